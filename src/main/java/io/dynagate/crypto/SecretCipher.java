package io.dynagate.crypto;

import com.google.crypto.tink.Aead;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Encrypts secrets for storage: {@code kid:base64(nonce ‖ ciphertext ‖ tag)}, AES-256-GCM with a
 * random 96-bit nonce per value. The associated data binds each value to its connection and field,
 * so a ciphertext copied to another row or column fails to decrypt.
 */
public final class SecretCipher {
  private final EncryptionKeyRing ring;

  public SecretCipher(EncryptionKeyRing ring) {
    this.ring = ring;
  }

  public String encrypt(Secret secret, String connectionId, SecretField field) {
    try {
      byte[] ct =
          ring.primary()
              .encrypt(
                  secret.reveal().getBytes(StandardCharsets.UTF_8),
                  associatedData(connectionId, field));
      return ring.primaryKid() + ":" + Base64.getEncoder().encodeToString(ct);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("encryption failed", e);
    }
  }

  public Secret decrypt(String stored, String connectionId, SecretField field) {
    int colon = stored == null ? -1 : stored.indexOf(':');
    if (colon <= 0) {
      throw new DecryptionFailedException("stored value has no key id");
    }
    Aead aead = ring.byKid(stored.substring(0, colon));
    if (aead == null) {
      throw new DecryptionFailedException(
          "stored value was encrypted with a key id that is not configured");
    }
    try {
      byte[] ct = Base64.getDecoder().decode(stored.substring(colon + 1));
      byte[] plain = aead.decrypt(ct, associatedData(connectionId, field));
      return Secret.of(new String(plain, StandardCharsets.UTF_8));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new DecryptionFailedException(
          "stored " + field.column() + " of connection " + connectionId + " failed to decrypt");
    }
  }

  /** Key id a stored value was encrypted with (for re-encryption after rotation). */
  public static String kidOf(String stored) {
    int colon = stored.indexOf(':');
    return colon <= 0 ? "" : stored.substring(0, colon);
  }

  private static byte[] associatedData(String connectionId, SecretField field) {
    return ("dynagate:v1:" + connectionId + ":" + field.column()).getBytes(StandardCharsets.UTF_8);
  }
}
