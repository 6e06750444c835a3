package io.dynagate.crypto;

/**
 * A stored ciphertext could not be decrypted: unknown key id, wrong key, tampered value, or a value
 * moved to another connection or field. The message names neither the value nor the key.
 */
public final class DecryptionFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DecryptionFailedException(String message) {
    super(message, null, false, false);
  }
}
