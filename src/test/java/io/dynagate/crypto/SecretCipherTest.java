package io.dynagate.crypto;

import static io.dynagate.crypto.EncryptionKeyRingTest.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SecretCipherTest {
  private static final String K = key(32, 10);
  private static final String K2 = key(32, 11);
  private static final String PLAIN = "plaintext-canary-7f3a9c";
  private static final String CONNECTION = "contoso";

  private final SecretCipher cipher = cipher("k1:" + K);

  private static SecretCipher cipher(String keys) {
    return new SecretCipher(EncryptionKeyRing.parse(keys));
  }

  static Stream<Arguments> valuesAndFields() {
    return Stream.of(SecretField.values())
        .flatMap(
            f ->
                Stream.of(
                        "s3cr3t", "päßwörd ünïcödé ✓", "with:colons,and,commas", "x".repeat(32768))
                    .map(v -> Arguments.of(v, f)));
  }

  @ParameterizedTest
  @MethodSource("valuesAndFields")
  void encryptedValueDecryptsToTheOriginal(String value, SecretField field) {
    String stored = cipher.encrypt(Secret.of(value), CONNECTION, field);

    assertEquals(value, cipher.decrypt(stored, CONNECTION, field).reveal());
    assertFalse(stored.contains(value), "ciphertext contains the plaintext");
  }

  @Test
  void twoEncryptionsOfTheSameValueDiffer() {
    String first = cipher.encrypt(Secret.of(PLAIN), CONNECTION, SecretField.CLIENT_SECRET);
    String second = cipher.encrypt(Secret.of(PLAIN), CONNECTION, SecretField.CLIENT_SECRET);

    assertNotEquals(first, second);
    assertNotEquals(nonce(first), nonce(second));
  }

  @Test
  void outputStartsWithThePrimaryKid() {
    SecretCipher rotated = cipher("new:" + K2 + ",old:" + K);

    String stored = rotated.encrypt(Secret.of(PLAIN), CONNECTION, SecretField.CLIENT_SECRET);

    assertTrue(stored.startsWith("new:"), stored);
    assertEquals("new", SecretCipher.kidOf(stored));
  }

  @Test
  void ciphertextMovedToAnotherConnectionFailsToDecrypt() {
    String stored = cipher.encrypt(Secret.of(PLAIN), "contoso", SecretField.CLIENT_SECRET);

    assertDecryptionFails(() -> cipher.decrypt(stored, "fabrikam", SecretField.CLIENT_SECRET));
  }

  @Test
  void ciphertextMovedToAConnectionWithASimilarIdFailsToDecrypt() {
    String stored = cipher.encrypt(Secret.of(PLAIN), "contoso", SecretField.CLIENT_SECRET);

    assertDecryptionFails(() -> cipher.decrypt(stored, "contoso-2", SecretField.CLIENT_SECRET));
  }

  static Stream<Arguments> distinctFieldPairs() {
    return Stream.of(SecretField.values())
        .flatMap(
            from ->
                Stream.of(SecretField.values())
                    .filter(to -> to != from)
                    .map(to -> Arguments.of(from, to)));
  }

  @ParameterizedTest
  @MethodSource("distinctFieldPairs")
  void ciphertextMovedToAnotherFieldFailsToDecrypt(SecretField from, SecretField to) {
    String stored = cipher.encrypt(Secret.of(PLAIN), CONNECTION, from);

    assertDecryptionFails(() -> cipher.decrypt(stored, CONNECTION, to));
  }

  /** Byte positions in nonce ‖ ciphertext ‖ tag; negative counts from the end. */
  @ParameterizedTest
  @ValueSource(ints = {0, 11, 12, 20, -17, -16, -1})
  void tamperedByteFailsToDecrypt(int position) {
    String stored = cipher.encrypt(Secret.of(PLAIN), CONNECTION, SecretField.CLIENT_SECRET);

    String tampered =
        withBytes(
            stored,
            bytes -> {
              int i = position < 0 ? bytes.length + position : position;
              bytes[i] ^= 0x01;
              return bytes;
            });

    assertDecryptionFails(() -> cipher.decrypt(tampered, CONNECTION, SecretField.CLIENT_SECRET));
  }

  @Test
  void truncatedCiphertextFailsToDecrypt() {
    String stored = cipher.encrypt(Secret.of(PLAIN), CONNECTION, SecretField.CLIENT_SECRET);

    for (int keep : new int[] {0, 5, 12, 27}) {
      String truncated =
          withBytes(stored, bytes -> java.util.Arrays.copyOf(bytes, Math.min(keep, bytes.length)));
      assertDecryptionFails(() -> cipher.decrypt(truncated, CONNECTION, SecretField.CLIENT_SECRET));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "no-colon", ":AAAA", "k1:not base64!", "k1:"})
  void malformedStoredValueFailsToDecrypt(String stored) {
    assertDecryptionFails(() -> cipher.decrypt(stored, CONNECTION, SecretField.CLIENT_SECRET));
  }

  @Test
  void nullStoredValueFailsToDecrypt() {
    assertDecryptionFails(() -> cipher.decrypt(null, CONNECTION, SecretField.CLIENT_SECRET));
  }

  @Test
  void unknownKidFailsToDecrypt() {
    String stored =
        cipher("old:" + K).encrypt(Secret.of(PLAIN), CONNECTION, SecretField.CLIENT_SECRET);

    assertDecryptionFails(
        () -> cipher("new:" + K2).decrypt(stored, CONNECTION, SecretField.CLIENT_SECRET));
    assertDecryptionFails(
        () ->
            cipher("old:" + K)
                .decrypt(
                    "zzz" + stored.substring(stored.indexOf(':')),
                    CONNECTION,
                    SecretField.CLIENT_SECRET));
  }

  @Test
  void sameKidWithAnotherKeyFailsToDecrypt() {
    String stored =
        cipher("k1:" + K).encrypt(Secret.of(PLAIN), CONNECTION, SecretField.CLIENT_SECRET);

    assertDecryptionFails(
        () -> cipher("k1:" + K2).decrypt(stored, CONNECTION, SecretField.CLIENT_SECRET));
  }

  @Test
  void valueEncryptedBeforeRotationDecryptsAfterItAndNewValuesUseTheNewKey() {
    String before =
        cipher("old:" + K).encrypt(Secret.of(PLAIN), CONNECTION, SecretField.REFRESH_TOKEN);
    SecretCipher rotated = cipher("new:" + K2 + ",old:" + K);

    assertEquals(PLAIN, rotated.decrypt(before, CONNECTION, SecretField.REFRESH_TOKEN).reveal());

    String after = rotated.encrypt(Secret.of(PLAIN), CONNECTION, SecretField.REFRESH_TOKEN);
    assertEquals("new", SecretCipher.kidOf(after));
    assertDecryptionFails(
        () -> cipher("old:" + K).decrypt(after, CONNECTION, SecretField.REFRESH_TOKEN));
  }

  @ParameterizedTest
  @EnumSource(SecretField.class)
  void decryptionFailureMessageNeverContainsThePlaintext(SecretField field) {
    String stored = cipher.encrypt(Secret.of(PLAIN), CONNECTION, field);
    String tampered = withBytes(stored, b -> flipLast(b));

    for (Runnable failing :
        new Runnable[] {
          () -> cipher.decrypt(stored, "other", field),
          () -> cipher.decrypt(tampered, CONNECTION, field),
          () -> cipher("k9:" + K2).decrypt(stored, CONNECTION, field),
          () -> cipher("k1:" + K2).decrypt(stored, CONNECTION, field)
        }) {
      DecryptionFailedException e = assertThrows(DecryptionFailedException.class, failing::run);
      assertFalse(e.getMessage().contains(PLAIN), e.getMessage());
      assertFalse(e.getMessage().contains(stored.substring(3)), e.getMessage());
      assertEquals(null, e.getCause());
    }
  }

  @Test
  void kidOfReadsTheKeyIdOrNothing() {
    assertEquals("k1", SecretCipher.kidOf("k1:AAAA"));
    assertEquals("", SecretCipher.kidOf("AAAA"));
    assertEquals("", SecretCipher.kidOf(":AAAA"));
  }

  private static void assertDecryptionFails(Runnable decrypt) {
    DecryptionFailedException e = assertThrows(DecryptionFailedException.class, decrypt::run);
    assertFalse(e.getMessage().contains(PLAIN), e.getMessage());
  }

  private static byte[] nonce(String stored) {
    return java.util.Arrays.copyOf(bytes(stored), 12);
  }

  private static byte[] bytes(String stored) {
    return Base64.getDecoder().decode(stored.substring(stored.indexOf(':') + 1));
  }

  private static byte[] flipLast(byte[] b) {
    b[b.length - 1] ^= 0x01;
    return b;
  }

  private static String withBytes(String stored, Function<byte[], byte[]> change) {
    return stored.substring(0, stored.indexOf(':') + 1)
        + Base64.getEncoder().encodeToString(change.apply(bytes(stored)));
  }
}
