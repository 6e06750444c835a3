package io.dynagate.proxy;

import io.dynagate.access.GrantEvaluator;
import io.dynagate.connection.ResolvedConnection;
import io.dynagate.grant.GrantView;
import io.dynagate.grant.Privilege;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.token.AccessToken;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One proxied request as it moves through the interceptors. Each field has one writer, named in its
 * comment; {@link AccessLogInterceptor} reads them all for the access line and the metrics.
 */
final class ProxyExchange {
  final RoutingContext rc;
  final long startNanos = System.nanoTime();
  final String requestId;
  final String method;

  /** The request body (BodyLimitInterceptor); never null once the chain runs. */
  RequestBody body;

  /** Who is calling (AuthenticationInterceptor). */
  String principal = "-";

  /** The principal first, then its {@code group:} principals (AuthenticationInterceptor). */
  List<String> principals = List.of();

  /** Whether the identity holds role {@code caller} (AuthenticationInterceptor). */
  boolean caller;

  /** The connection id and the checked path (AuthorizationInterceptor). */
  String connectionId = "-";

  ProxyPath path;

  /** The caller's grants on the connection, its own first (AuthorizationInterceptor). */
  List<GrantView> grants = List.of();

  /** The connection (AuthorizationInterceptor). */
  ResolvedConnection connection;

  /**
   * {@code allowed} or {@code denied:<reason>}; {@code -} until decided. Written by
   * AuthorizationInterceptor only.
   */
  String decision = "-";

  /** The principals whose grants allowed the request (AuthorizationInterceptor only). */
  final Set<String> allowedBy = new LinkedHashSet<>();

  /** The privileges its privileged headers need, also those of $batch parts (Authorization). */
  final Set<Privilege> privileges = EnumSet.noneOf(Privilege.class);

  /** What the grants were checked against (direct requests; batches are checked per part). */
  GrantEvaluator.Request request;

  /** The access token sent upstream (TokenInterceptor). */
  AccessToken token;

  /** Sent a second time with a fresh token after an upstream 401 (TokenInterceptor). */
  boolean retried;

  long tokenNanos;

  /** When the request went upstream (Forwarder); 0 when it never did. */
  long upstreamStartNanos;

  /** The headers the caller will get with the upstream answer (Forwarder, then LinkInterceptor). */
  MultiMap responseHeaders;

  /** Rewrites the upstream answer's body on its way to the caller (LinkInterceptor); or null. */
  LinkRewriter bodyRewriter;

  /** The problem that ended the request, when one did (ProxyHandler). */
  GatewayProblem problem;

  /** The status the caller received (ProxyHandler / Forwarder). */
  int status;

  /** How the answer ended (Forwarder); null when the gateway answered itself. */
  End end;

  /** Called once when the request is over (AccessLogInterceptor); or null. */
  java.util.function.Consumer<ProxyExchange> onDone;

  /** How a proxied answer ended: cleanly, or cut off (the caller's connection was reset). */
  enum End {
    COMPLETE("complete"),
    /** The upstream failed (reset, closed early, broken framing) after the answer began. */
    UPSTREAM_ABORTED("upstream_aborted"),
    /** No byte moved either way for {@code dynagate.proxy.upstream-timeout}. */
    IDLE_TIMEOUT("idle_timeout"),
    /** The caller closed or reset its connection before the answer ended. */
    CALLER_LEFT("caller_left");

    final String tag;

    End(String tag) {
      this.tag = tag;
    }
  }

  ProxyExchange(RoutingContext rc, String requestId) {
    this.rc = rc;
    this.requestId = requestId;
    this.method = rc.request().method().name();
  }

  String entitySet() {
    return path == null || path.entitySet() == null ? "-" : path.entitySet();
  }
}
