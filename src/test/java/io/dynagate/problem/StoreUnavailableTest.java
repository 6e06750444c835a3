package io.dynagate.problem;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class StoreUnavailableTest {

  @Test
  void postgresRefusingTheSessionIsAnOutageWhereverItSitsInTheChain() {
    PgException missingDatabase =
        new PgException("database \"x\" does not exist", "FATAL", "3D000", null);
    assertTrue(StoreUnavailable.matches(missingDatabase));
    assertTrue(StoreUnavailable.matches(new CompletionException(missingDatabase)));
    assertTrue(
        StoreUnavailable.matches(new PgException("too many clients", "FATAL", "53300", null)));
    assertTrue(StoreUnavailable.matches(new PgException("shutting down", "ERROR", "57P01", null)));
    assertTrue(
        StoreUnavailable.matches(new PgException("connection failure", "ERROR", "08006", null)));
  }

  @Test
  void aStatementErrorIsNoOutage() {
    assertFalse(StoreUnavailable.matches(new PgException("duplicate key", "ERROR", "23505", null)));
    assertFalse(StoreUnavailable.matches(new PgException("syntax error", "ERROR", "42601", null)));
    assertFalse(StoreUnavailable.matches(new IllegalStateException("bug")));
  }
}
