package io.dynagate.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ApiKeysTest {
  private static final String BODY = "A".repeat(42) + "z"; // 43 base64url characters

  @Test
  void generatedKeyHasPrefixAndLength() {
    String key = ApiKeys.generate();

    assertTrue(key.startsWith("dgk_"), key);
    assertEquals(47, key.length());
  }

  @Test
  void thousandGeneratedKeysAreDistinctAndWellFormed() {
    Set<String> keys = new HashSet<>();
    Set<String> hashes = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String key = ApiKeys.generate();
      assertTrue(ApiKeys.wellFormed(key), key);
      keys.add(key);
      hashes.add(ApiKeys.hashHex(key));
    }

    assertEquals(1000, keys.size());
    assertEquals(1000, hashes.size());
  }

  @Test
  void generatedKeysCarry256RandomBits() {
    // 43 base64url characters without padding hold 258 bits; 32 random bytes fill 256 of them.
    String body = ApiKeys.generate().substring(ApiKeys.PREFIX.length());
    byte[] raw = java.util.Base64.getUrlDecoder().decode(body);

    assertEquals(32, raw.length);
  }

  @Test
  void wellFormedAcceptsTheIssuedShape() {
    assertTrue(ApiKeys.wellFormed("dgk_" + BODY));
    assertTrue(ApiKeys.wellFormed("dgk_" + "-_09azAZ".repeat(5) + "abc"));
  }

  @ParameterizedTest(name = "[{0}]")
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "dgk_",
        "dgx_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAz",
        "DGK_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAz",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAz",
        "dgk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // 42
        "dgk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAzz", // 44
        "dgk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
        "dgk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/",
        "dgk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "dgk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA ",
        "dgk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.",
        "dgk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAé",
        " dgk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAz",
        "dgk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAz\n",
        "dgk-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAz"
      })
  void wellFormedRejectsOtherShapes(String presented) {
    assertFalse(ApiKeys.wellFormed(presented));
  }

  @Test
  void hashHexIs64LowercaseHexDigits() {
    String hash = ApiKeys.hashHex(ApiKeys.generate());

    assertTrue(hash.matches("[0-9a-f]{64}"), hash);
  }

  @Test
  void hashHexIsSha256() {
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeys.hashHex("abc"));
  }

  @Test
  void hashHexIsStableForOneKeyAndDiffersBetweenKeys() {
    String a = "dgk_" + BODY;
    String b = "dgk_" + "A".repeat(42) + "y";

    assertEquals(ApiKeys.hashHex(a), ApiKeys.hashHex(a));
    assertNotEquals(ApiKeys.hashHex(a), ApiKeys.hashHex(b));
  }

  @Test
  void sameHashComparesContents() {
    assertTrue(ApiKeys.sameHash(ApiKeys.sha256("dgk_" + BODY), ApiKeys.sha256("dgk_" + BODY)));
    assertFalse(ApiKeys.sameHash(ApiKeys.sha256("dgk_" + BODY), ApiKeys.sha256("dgk_x")));
  }
}
