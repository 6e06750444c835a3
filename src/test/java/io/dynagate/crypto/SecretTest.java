package io.dynagate.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretTest {
  private static final String VALUE = "s3cr3t-canary-41b7";
  private static final ObjectMapper JSON = new ObjectMapper();

  record Holder(String name, Secret secret) {}

  @Test
  void toStringHidesTheValue() {
    Secret secret = Secret.of(VALUE);

    assertEquals("***", secret.toString());
    assertEquals("holder " + secret, "holder ***");
  }

  @Test
  void revealReturnsTheValue() {
    assertEquals(VALUE, Secret.of(VALUE).reveal());
  }

  @Test
  void jacksonWritesStarsForASecretInsideAnObject() throws Exception {
    String json = JSON.writeValueAsString(new Holder("n", Secret.of(VALUE)));

    assertEquals("{\"name\":\"n\",\"secret\":\"***\"}", json);
    assertFalse(json.contains(VALUE));
  }

  @Test
  void jacksonWritesStarsForABareSecret() throws Exception {
    assertEquals("\"***\"", JSON.writeValueAsString(Secret.of(VALUE)));
  }

  @Test
  void jacksonReadsAJsonStringIntoASecret() throws Exception {
    Holder holder = JSON.readValue("{\"name\":\"n\",\"secret\":\"" + VALUE + "\"}", Holder.class);

    assertEquals(VALUE, holder.secret().reveal());
  }

  @Test
  void jacksonReadsJsonNullAsNoSecret() throws Exception {
    Holder holder = JSON.readValue("{\"name\":\"n\",\"secret\":null}", Holder.class);

    assertNull(holder.secret());
  }

  @Test
  void nullValueIsRefused() {
    assertThrows(NullPointerException.class, () -> Secret.of(null));
  }

  @ParameterizedTest
  @CsvSource({
    "abc, abc, true",
    "abc, abd, false",
    "abc, abcd, false",
    "abc, ABC, false",
    "'', '', true",
    "'', ' ', false",
    "päß, päß, true"
  })
  void equalsComparesTheValues(String a, String b, boolean equal) {
    assertEquals(equal, Secret.of(a).equals(Secret.of(b)));
    assertEquals(equal, Secret.of(b).equals(Secret.of(a)));
    if (equal) {
      assertEquals(Secret.of(a).hashCode(), Secret.of(b).hashCode());
    }
  }

  @Test
  void secretNeverEqualsAPlainStringOrNull() {
    assertNotEquals(Secret.of(VALUE), VALUE);
    assertFalse(Secret.of(VALUE).equals(null));
  }
}
