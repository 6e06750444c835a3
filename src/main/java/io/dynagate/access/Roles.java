package io.dynagate.access;

import io.quarkus.security.identity.SecurityIdentity;
import java.util.ArrayList;
import java.util.List;

/** Roles of contract section 2. */
public final class Roles {
  /** May use the admin API. */
  public static final String ADMIN = "admin";

  /** May use the proxy (subject to grants). */
  public static final String CALLER = "caller";

  /** Identity attribute naming the API key that authenticated the caller. */
  public static final String API_KEY_ID_ATTRIBUTE = "dynagate.apiKeyId";

  /**
   * Identity attribute with the {@code group:<name>} principals of a JWT caller (a {@code
   * List<String>}); absent for API keys.
   */
  public static final String GROUPS_ATTRIBUTE = "dynagate.groups";

  private Roles() {}

  /** The identity's principal followed by its group principals: whose grants apply. */
  public static List<String> principals(SecurityIdentity identity) {
    List<String> groups = identity.getAttribute(GROUPS_ATTRIBUTE);
    List<String> all = new ArrayList<>();
    all.add(identity.getPrincipal().getName());
    if (groups != null) {
      all.addAll(groups);
    }
    return List.copyOf(all);
  }
}
