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
          || brokenLink(c)
          || c instanceof io.vertx.sqlclient.ClosedConnectionException
          || (c instanceof io.vertx.pgclient.PgException pg && unavailable(pg))
          || closedLink(c)
          || (c instanceof io.vertx.redis.client.impl.types.ErrorType redis && redisAway(redis))) {
        return true;
      }
    }
    return false;
  }

  /**
   * A store's link reset or broken under a statement: the socket layer's plain {@code IOException}
   * ("Connection reset by peer") or a {@code SocketException}. Subclasses of {@code IOException}
   * that describe content (Jackson's, for one) are not a broken link.
   */
  private static boolean brokenLink(Throwable c) {
    return c.getClass() == java.io.IOException.class
        || c instanceof java.net.SocketException
        || c.getClass().getName().equals("io.netty.channel.unix.Errors$NativeIoException");
  }

  /**
   * The SQL pool's bare failures: no pooled connection within the acquire timeout ("Timeout"), or a
   * statement handed to a connection that had just closed.
   */
  private static boolean closedLink(Throwable c) {
    return c instanceof io.vertx.core.impl.NoStackTraceThrowable
        && c.getMessage() != null
        && (c.getMessage().equals("Timeout")
            || c.getMessage().startsWith("Connection is not active now"));
  }

  /**
   * Redis answered, but cannot serve now: a replica that was a master ({@code READONLY}), a cluster
   * without a quorum or with a slot in migration ({@code CLUSTERDOWN}, {@code TRYAGAIN}), a server
   * still loading its data set or without a reachable master ({@code LOADING}, {@code MASTERDOWN}),
   * or a Redis busy with a script ({@code BUSY}). These last through a failover.
   */
  private static boolean redisAway(io.vertx.redis.client.impl.types.ErrorType e) {
    return e.is("READONLY")
        || e.is("CLUSTERDOWN")
        || e.is("TRYAGAIN")
        || e.is("LOADING")
        || e.is("MASTERDOWN")
        || e.is("BUSY");
  }

  /**
   * PostgreSQL refused the session or the statement for reasons of the server, not of the query: a
   * FATAL error (no such database, authentication, shutdown), connection exceptions (class 08), too
   * many connections, the server going away (class 57P), or a statement cancelled by {@code
   * statement_timeout} (57014).
   */
  private static boolean unavailable(io.vertx.pgclient.PgException pg) {
    String state = pg.getSqlState() == null ? "" : pg.getSqlState();
    return "FATAL".equals(pg.getSeverity())
        || state.startsWith("08")
        || state.equals("53300")
        || state.startsWith("57P")
        || state.equals("57014");
  }

  /** The problem to answer with. */
  public static GatewayProblem problem() {
    return GatewayProblem.retryAfter(
        ProblemCode.UNAVAILABLE, "A store the gateway needs is not reachable; retry later.", 5);
  }
}
