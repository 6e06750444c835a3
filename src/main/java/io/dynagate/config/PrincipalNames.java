package io.dynagate.config;

import java.util.regex.Pattern;

/**
 * The shared principal namespace (contract section 2): API-key principals, JWT subjects and {@code
 * group:<name>} principals. Shared by grants and API keys.
 */
public final class PrincipalNames {
  /** Prefix of principals derived from a JWT's groups claim. */
  public static final String GROUP_PREFIX = "group:";

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:@+=/~-]{1,256}");

  /** Rule in words, for validation messages. */
  public static final String RULE = "1-256 characters: letters, digits and . _ : @ + = / ~ -";

  private PrincipalNames() {}

  public static boolean isValid(String principal) {
    return principal != null && VALID.matcher(principal).matches();
  }
}
