package io.dynagate.proxy;

import io.dynagate.access.GrantEvaluator;
import io.dynagate.connection.ResolvedConnection;
import io.dynagate.grant.GrantView;
import io.dynagate.grant.Privilege;
import io.dynagate.token.AccessToken;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * One proxied request as it moves through the steps. Each step fills in what it learned; the
 * handler reads it for the access log and the metrics.
 */
final class ProxyExchange {
  final RoutingContext rc;
  final long startNanos = System.nanoTime();
  final String requestId;
  final String method;

  String principal = "-";

  /** The principal first, then its {@code group:} principals; grants of any of them apply. */
  List<String> principals = List.of();

  String connectionId = "-";
  ProxyPath path;

  /** The caller's grants on the connection, its own first; never empty once resolved. */
  List<GrantView> grants = List.of();

  ResolvedConnection connection;
  AccessToken token;
  String decision = "-";

  /** The request carries an impersonation header (read once, by AuthorizeStep). */
  boolean impersonation;

  /**
   * The privileges its privileged headers need: the request's own (AuthorizeStep) and those of its
   * {@code $batch} parts (BatchStep); the access line lists them.
   */
  final java.util.Set<Privilege> privileges = java.util.EnumSet.noneOf(Privilege.class);

  /** What the grants were checked against (direct requests; batches are checked per part). */
  GrantEvaluator.Request request;

  /** The principals whose grants allowed the request (audit); empty until authorized. */
  final java.util.Set<String> allowedBy = new java.util.LinkedHashSet<>();

  boolean retried;

  /** A body read whole before forwarding ({@code $batch}), sent as read. */
  io.vertx.core.buffer.Buffer bufferedBody;

  long tokenNanos;
  long upstreamStartNanos;
  int status;

  ProxyExchange(RoutingContext rc, String requestId) {
    this.rc = rc;
    this.requestId = requestId;
    this.method = rc.request().method().name();
  }

  String entitySet() {
    return path == null || path.entitySet() == null ? "-" : path.entitySet();
  }
}
