package io.dynagate.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The ports a packaged gateway bound, read from its output, plain text or JSON lines. */
class PackagedGatewayTest {
  @Test
  void portsAreReadFromThePlainTextLog() {
    // given
    String out =
        """
        2026-12-02 13:00:00,000 INFO  [io.quarkus] (main) dynagate 1.0 on JVM started in 1.2s.\
         Listening on: http://0.0.0.0:43121
        2026-12-02 13:00:00,000 INFO  [io.qua.ver.htt.run.VertxHttpRecorder] (main) Management\
         interface listening on http://127.0.0.1:40111.
        """;

    // when / then
    assertEquals(43121, PackagedGateway.httpPortIn(out));
    assertEquals(40111, PackagedGateway.managementPortIn(out));
  }

  @Test
  void portsAreReadFromJsonLinesWithOrWithoutEscapedSlashes() {
    // given
    String out =
        """
        {"level":"INFO","message":"dynagate 1.0 started in 1.2s. Listening on: http://0.0.0.0:43121"}
        {"level":"INFO","message":"Management interface listening on http:\\/\\/127.0.0.1:40111."}
        """;

    // when / then
    assertEquals(43121, PackagedGateway.httpPortIn(out));
    assertEquals(40111, PackagedGateway.managementPortIn(out));
  }

  @Test
  void anOutputWithoutTheMessageFailsNamingWhatIsMissing() {
    // given a gateway that never got to listening
    String out = "ERROR DYNAGATE_ENCRYPTION_KEYS is not set\n";

    // when / then
    AssertionError e = assertThrows(AssertionError.class, () -> PackagedGateway.httpPortIn(out));
    assertTrue(e.getMessage().contains("Listening on"), e.getMessage());
  }
}
