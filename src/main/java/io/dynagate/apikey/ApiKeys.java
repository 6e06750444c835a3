package io.dynagate.apikey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Key material: {@code dgk_} + 256 random bits (base64url), stored as SHA-256. A fast hash is
 * enough here because the keys carry 256 bits of entropy (no dictionary to search).
 */
public final class ApiKeys {
  /** Prefix of every gateway-issued key. */
  public static final String PREFIX = "dgk_";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern SHAPE = Pattern.compile("dgk_[A-Za-z0-9_-]{43}");

  private ApiKeys() {}

  public static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Whether a presented value has the shape of an issued key (checked before any lookup). */
  public static boolean wellFormed(String presented) {
    return presented != null && SHAPE.matcher(presented).matches();
  }

  public static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing", e);
    }
  }

  public static String hashHex(String key) {
    return HexFormat.of().formatHex(sha256(key));
  }

  /** Constant-time comparison of two hashes. */
  public static boolean sameHash(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }
}
