package io.dynagate.problem;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/**
 * Recognises "a store could not be reached" (PostgreSQL or Redis refused, timed out, or dropped the
 * connection) anywhere in a cause chain. Such failures are the gateway's, not the caller's: they
 * become 503 {@code unavailable}, never a 500 or a 401.
 */
public final class StoreUnavailable {
  private StoreUnavailable() {}

  public static boolean matches(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ConnectException
          || c instanceof NoRouteToHostException
          || c instanceof UnknownHostException
          || c instanceof TimeoutException
          || c instanceof io.netty.channel.ConnectTimeoutException
          || c instanceof io.vertx.sqlclient.ClosedConnectionException
          || (c instanceof io.vertx.pgclient.PgException pg && unavailable(pg))) {
        return true;
      }
    }
    return false;
  }

  /**
   * PostgreSQL refused the session or the statement for reasons of the server, not of the query: a
   * FATAL error (no such database, authentication, shutdown), connection exceptions (class 08), too
   * many connections, or the server going away (class 57P).
   */
  private static boolean unavailable(io.vertx.pgclient.PgException pg) {
    String state = pg.getSqlState() == null ? "" : pg.getSqlState();
    return "FATAL".equals(pg.getSeverity())
        || state.startsWith("08")
        || state.equals("53300")
        || state.startsWith("57P");
  }

  /** The problem to answer with. */
  public static GatewayProblem problem() {
    return GatewayProblem.retryAfter(
        ProblemCode.UNAVAILABLE, "A store the gateway needs is not reachable; retry later.", 5);
  }
}
