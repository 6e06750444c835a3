package io.dynagate.crypto;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class EncryptionKeyRingTest {
  private static final String K1 = key(32, 1);
  private static final String K2 = key(32, 2);

  /** Base64 of {@code length} bytes counting up from {@code seed}: distinct, recognisable keys. */
  static String key(int length, int seed) {
    byte[] raw = new byte[length];
    for (int i = 0; i < length; i++) {
      raw[i] = (byte) (seed * 31 + i);
    }
    return Base64.getEncoder().encodeToString(raw);
  }

  @Test
  void singleKeyIsPrimary() {
    EncryptionKeyRing ring = EncryptionKeyRing.parse("k1:" + K1);

    assertEquals("k1", ring.primaryKid());
    assertEquals(List.of("k1"), ring.kids());
  }

  @Test
  void severalKeysKeepTheirOrderAndTheFirstIsPrimary() {
    EncryptionKeyRing ring = EncryptionKeyRing.parse(" new:" + K2 + " , old:" + K1 + " ");

    assertEquals("new", ring.primaryKid());
    assertEquals(List.of("new", "old"), ring.kids());
  }

  @Test
  void unpaddedBase64IsAccepted() {
    EncryptionKeyRing ring = EncryptionKeyRing.parse("k1:" + K1.replace("=", ""));

    assertEquals("k1", ring.primaryKid());
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {" ", "\t", " \n "})
  void missingValueNamesTheSetting(String spec) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EncryptionKeyRing.parse(spec));

    assertTrue(e.getMessage().contains("DYNAGATE_ENCRYPTION_KEYS"), e.getMessage());
  }

  static Stream<Arguments> invalidSpecs() {
    String notBase64 = "not*base64!key-material";
    String sixteen = key(16, 3);
    String thirtyOne = key(31, 4);
    String thirtyThree = key(33, 5);
    String urlSafe = K1.replace('+', '-').replace('/', '_') + "-_";
    return Stream.of(
        Arguments.of("k1:" + notBase64, "entry 1 is invalid: key is not valid base64", notBase64),
        Arguments.of("k1:" + urlSafe, "key is not valid base64", urlSafe),
        Arguments.of("k1:" + sixteen, "key must be 32 bytes (AES-256), got 16", sixteen),
        Arguments.of("k1:" + thirtyOne, "key must be 32 bytes (AES-256), got 31", thirtyOne),
        Arguments.of("k1:" + thirtyThree, "key must be 32 bytes (AES-256), got 33", thirtyThree),
        Arguments.of("k1:", "got 0", ""),
        Arguments.of(K1, "entry 1 is invalid: expected kid:base64key", K1),
        Arguments.of("bad kid:" + K1, "entry 1 is invalid: key id must match", K1),
        Arguments.of("bad.kid:" + K1, "key id must match", K1),
        Arguments.of(":" + K1, "key id must match", K1),
        Arguments.of("k".repeat(33) + ":" + K1, "key id must match", K1),
        Arguments.of("k1:" + K1 + ",k1:" + K2, "entry 2 is invalid: duplicate key id 'k1'", K2),
        Arguments.of("k1:" + K1 + ",k2:" + sixteen, "entry 2 is invalid: key must be 32", sixteen),
        Arguments.of("k1:" + K1 + ",," + "k2:" + K2, "entry 2 is invalid: expected kid", K2));
  }

  @ParameterizedTest
  @MethodSource("invalidSpecs")
  void invalidEntryIsRejectedWithAnOperatorMessage(
      String spec, String expectedFragment, String keyMaterial) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EncryptionKeyRing.parse(spec));

    assertTrue(e.getMessage().contains(expectedFragment), e.getMessage());
    assertTrue(e.getMessage().startsWith("DYNAGATE_ENCRYPTION_KEYS"), e.getMessage());
  }

  @ParameterizedTest
  @MethodSource("invalidSpecs")
  void errorMessageNeverContainsKeyMaterial(
      String spec, String expectedFragment, String keyMaterial) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EncryptionKeyRing.parse(spec));

    assertAll(
        Stream.concat(Stream.of(keyMaterial, K1, K2), Stream.of(spec.split("[,:]")))
            .map(String::trim)
            .filter(m -> m.length() >= 8)
            .map(
                m ->
                    () ->
                        assertFalse(
                            e.getMessage().contains(m),
                            "message quotes key material: " + e.getMessage())));
    assertNull(e.getCause(), "a cause could carry the value");
  }
}
