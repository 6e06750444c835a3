package io.dynagate.support;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The scanner finds a secret whole or truncated, and never prints it while failing. */
class LeakScanTest {

  @Test
  void findsWholeAndTruncatedSecretsAndNamesOnlyTheLabel() {
    LeakScan scan = new LeakScan();
    String token = scan.plant("token");
    scan.record(new RawHttp.Answer(200, "HTTP/1.1 200 OK\r\n\r\n{}"));

    assertDoesNotThrow(() -> scan.assertNoLeak("clean log", "clean metrics"));
    AssertionError whole =
        assertThrows(AssertionError.class, () -> scan.assertNoLeak("Bearer " + token, ""));
    assertTrue(whole.getMessage().contains("'token' reached the logs"), whole.getMessage());
    assertFalse(whole.getMessage().contains(token), "the failure does not print the secret");
    String head = token.substring(0, token.length() - 6);
    assertThrows(AssertionError.class, () -> scan.assertNoLeak("", "x{t=\"" + head + "\"}"));
  }

  @Test
  void searchesEveryAnswer() {
    LeakScan scan = new LeakScan();
    String key = scan.secret("api key", "dgk_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
    scan.record(new RawHttp.Answer(401, "HTTP/1.1 401\r\nX-Echo: " + key + "\r\n\r\n"));

    assertThrows(AssertionError.class, () -> scan.assertNoLeak("", ""));
  }
}
