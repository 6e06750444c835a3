package io.dynagate.proxy;

import io.dynagate.grant.Privilege;
import io.dynagate.observability.Metrics;
import io.dynagate.observability.RequestIdFilter;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.dynagate.problem.Problems;
import io.dynagate.problem.StoreUnavailable;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * {@code ANY /proxy/{connectionId}/{path}}: runs the steps in order — authenticate, resolve,
 * authorize, token, forward — and writes one access-log line and one timer sample per request. Any
 * step may end the request with a problem before anything is sent upstream.
 */
@ApplicationScoped
public class ProxyHandler {
  private static final Logger ACCESS = Logger.getLogger("io.dynagate.access");
  private static final Logger LOG = Logger.getLogger(ProxyHandler.class);

  private final AuthenticateStep authenticate;
  private final ResolveStep resolve;
  private final AuthorizeStep authorize;
  private final BatchStep batch;
  private final WriteBodyStep writeBody;
  private final TokenStep token;
  private final ForwardStep forward;
  private final Metrics metrics;

  ProxyHandler(
      AuthenticateStep authenticate,
      ResolveStep resolve,
      AuthorizeStep authorize,
      BatchStep batch,
      WriteBodyStep writeBody,
      TokenStep token,
      ForwardStep forward,
      Metrics metrics) {
    this.authenticate = authenticate;
    this.resolve = resolve;
    this.authorize = authorize;
    this.batch = batch;
    this.writeBody = writeBody;
    this.token = token;
    this.forward = forward;
    this.metrics = metrics;
  }

  void register(@Observes Router router) {
    router.route("/proxy/*").handler(this::handle);
  }

  /**
   * Replaces Quarkus's handler of lazy-authentication failures on proxy requests: the proxy answers
   * every failure itself (AuthenticateStep), so that the caller gets the proxy's error format and
   * the access line the status the caller received.
   */
  private static final BiConsumer<RoutingContext, Throwable> AUTH_FAILURE_ANSWERED_BY_PROXY =
      (rc, failure) -> {};

  void handle(RoutingContext rc) {
    rc.request().pause(); // the body waits until the upstream request is ready to take it
    rc.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, AUTH_FAILURE_ANSWERED_BY_PROXY);
    ProxyExchange x = new ProxyExchange(rc, rc.get(RequestIdFilter.CONTEXT_KEY));
    authenticate
        .apply(x)
        .chain(resolve::apply)
        .map(authorize::apply)
        .chain(batch::apply)
        .chain(writeBody::apply)
        .chain(token::apply)
        .chain(forward::apply)
        .subscribe()
        .with(done -> finish(x), failure -> fail(x, failure));
  }

  private void fail(ProxyExchange x, Throwable failure) {
    GatewayProblem p;
    if (failure instanceof GatewayProblem g) {
      p = g;
    } else if (StoreUnavailable.matches(failure)) {
      p = StoreUnavailable.problem();
    } else {
      LOG.errorf(failure, "proxy request %s failed unexpectedly", x.requestId);
      p = GatewayProblem.of(ProblemCode.INTERNAL_ERROR, "The gateway failed unexpectedly.");
    }
    if (x.rc.response().headWritten()) {
      // the upstream answer was already under way: the caller has its status line, and a reset
      // instead of a clean end
      if (!x.rc.response().ended()) {
        x.rc.response().reset();
      }
      x.status = x.rc.response().getStatusCode();
    } else {
      x.status = p.code().status();
      if (!x.rc.request().isEnded()) {
        // the body was never read: answer, then close rather than drain what the caller sends
        x.rc.response().putHeader("Connection", "close");
        x.rc.response().endHandler(v -> x.rc.request().connection().close());
      }
      Problems.write(
          x.rc.response(),
          p,
          x.requestId,
          Problems.proxyMediaType(x.rc.request().headers().getAll("Accept")));
    }
    if (x.decision.equals("-") || x.decision.equals("allowed")) {
      x.decision = "error:" + p.code().code();
    }
    finish(x);
  }

  private static String methodTag(String method) {
    return switch (method) {
      case "GET", "HEAD", "POST", "PATCH", "PUT", "DELETE", "OPTIONS" -> method;
      default -> "OTHER";
    };
  }

  private void finish(ProxyExchange x) {
    long now = System.nanoTime();
    Duration total = Duration.ofNanos(now - x.startNanos);
    long upstreamMs = x.upstreamStartNanos == 0 ? 0 : (now - x.upstreamStartNanos) / 1_000_000;
    // tags only from bounded sets: resolved connections and the usual methods
    metrics.proxyRequest(
        x.connection == null ? "-" : x.connection.id(), methodTag(x.method), x.status, total);
    ACCESS.infof(
        "proxy requestId=%s principal=%s connection=%s method=%s entitySet=%s status=%d"
            + " decision=%s grant=%s privileges=%s retried=%s totalMs=%d tokenMs=%d"
            + " upstreamMs=%d",
        x.requestId,
        x.principal,
        x.connectionId,
        x.method,
        x.entitySet(),
        x.status,
        x.decision,
        x.allowedBy.isEmpty() ? "-" : String.join(",", x.allowedBy),
        x.privileges.isEmpty()
            ? "-"
            : String.join(",", x.privileges.stream().map(Privilege::wire).toList()),
        x.retried,
        total.toMillis(),
        x.tokenNanos / 1_000_000,
        upstreamMs);
  }
}
