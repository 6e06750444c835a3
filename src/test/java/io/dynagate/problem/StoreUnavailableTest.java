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

  @Test
  void aResetOrATimedOutPoolIsAnOutageButContentErrorsAreNot() {
    assertTrue(
        StoreUnavailable.matches(
            new RuntimeException(new java.io.IOException("Connection reset by peer"))));
    assertTrue(StoreUnavailable.matches(new java.net.SocketException("Broken pipe")));
    assertTrue(StoreUnavailable.matches(new io.vertx.core.impl.NoStackTraceThrowable("Timeout")));
    assertTrue(
        StoreUnavailable.matches(
            new io.vertx.core.impl.NoStackTraceThrowable(
                "Connection is not active now, current status: CLOSED")));
    assertTrue(
        StoreUnavailable.matches(new PgException("statement timeout", "ERROR", "57014", null)));
    // an IOException subclass about content (Jackson's) is a bug or bad input, not an outage
    assertFalse(
        StoreUnavailable.matches(new com.fasterxml.jackson.core.JsonParseException(null, "bad")));
    assertFalse(
        StoreUnavailable.matches(new io.vertx.core.impl.NoStackTraceThrowable("something else")));
  }

  @Test
  void redisThatCannotServeDuringAFailoverIsAnOutage() {
    for (String e :
        new String[] {
          "READONLY You can't write against a read only replica.",
          "CLUSTERDOWN The cluster is down",
          "LOADING Redis is loading the dataset in memory",
          "MASTERDOWN Link with MASTER is down",
          "TRYAGAIN Multiple keys request during rehashing of slot"
        }) {
      assertTrue(StoreUnavailable.matches(io.vertx.redis.client.impl.types.ErrorType.create(e)), e);
    }
    assertFalse(
        StoreUnavailable.matches(
            io.vertx.redis.client.impl.types.ErrorType.create("ERR syntax error")));
    assertFalse(
        StoreUnavailable.matches(
            io.vertx.redis.client.impl.types.ErrorType.create(
                "WRONGTYPE Operation against a key holding the wrong kind of value")));
  }
}
