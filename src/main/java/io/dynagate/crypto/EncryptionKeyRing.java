package io.dynagate.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.util.SecretBytes;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The AES-256-GCM keys from {@code DYNAGATE_ENCRYPTION_KEYS}: {@code kid:base64(32 bytes)[,…]}. The
 * first key encrypts; every key decrypts. Parse errors never quote key material.
 */
public final class EncryptionKeyRing {
  static final int KEY_BYTES = 32;
  private static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  private final String primaryKid;
  private final Map<String, Aead> keys;

  private EncryptionKeyRing(String primaryKid, Map<String, Aead> keys) {
    this.primaryKid = primaryKid;
    this.keys = Collections.unmodifiableMap(keys);
  }

  /**
   * Parses the configured value.
   *
   * @throws IllegalArgumentException with a message fit for an operator (no key material)
   */
  public static EncryptionKeyRing parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException(
          "DYNAGATE_ENCRYPTION_KEYS is not set. Set it to kid:base64(32 random bytes), for"
              + " example k1:$(openssl rand -base64 32); list several (first encrypts) to rotate.");
    }
    Map<String, Aead> keys = new LinkedHashMap<>();
    String primary = null;
    int position = 0;
    for (String entry : spec.split(",")) {
      position++;
      String trimmed = entry.trim();
      int colon = trimmed.indexOf(':');
      if (colon < 0) {
        throw invalid(position, "expected kid:base64key");
      }
      String kid = trimmed.substring(0, colon);
      if (!KID.matcher(kid).matches()) {
        throw invalid(position, "key id must match " + KID.pattern());
      }
      if (keys.containsKey(kid)) {
        throw invalid(position, "duplicate key id '" + kid + "'");
      }
      keys.put(kid, aead(decode(trimmed.substring(colon + 1), position)));
      if (primary == null) {
        primary = kid;
      }
    }
    return new EncryptionKeyRing(primary, keys);
  }

  /** Key id of the key that encrypts. */
  public String primaryKid() {
    return primaryKid;
  }

  /** Whether a string is a well-formed key id (so it may be shown as one). */
  public static boolean isKeyId(String kid) {
    return kid != null && KID.matcher(kid).matches();
  }

  /** Key ids in configured order, primary first. */
  public List<String> kids() {
    return List.copyOf(keys.keySet());
  }

  Aead primary() {
    return keys.get(primaryKid);
  }

  Aead byKid(String kid) {
    return keys.get(kid);
  }

  private static byte[] decode(String base64, int position) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw invalid(position, "key is not valid base64");
    }
    if (raw.length != KEY_BYTES) {
      throw invalid(position, "key must be 32 bytes (AES-256), got " + raw.length);
    }
    return raw;
  }

  private static Aead aead(byte[] raw) {
    try {
      AesGcmParameters parameters =
          AesGcmParameters.builder()
              .setKeySizeBytes(KEY_BYTES)
              .setIvSizeBytes(12)
              .setTagSizeBytes(16)
              .setVariant(AesGcmParameters.Variant.NO_PREFIX)
              .build();
      AesGcmKey key =
          AesGcmKey.builder()
              .setParameters(parameters)
              .setKeyBytes(SecretBytes.copyFrom(raw, InsecureSecretKeyAccess.get()))
              .build();
      return AesGcmJce.create(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
    }
  }

  private static IllegalArgumentException invalid(int position, String why) {
    return new IllegalArgumentException(
        "DYNAGATE_ENCRYPTION_KEYS entry " + position + " is invalid: " + why);
  }
}
