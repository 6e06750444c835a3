package io.dynagate.lifecycle;

import io.dynagate.observability.RequestIdFilter;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.dynagate.problem.Problems;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Refuses new requests on the main port once the shutdown delay is over.
 *
 * <p>SIGTERM starts Quarkus's pre-shutdown: its readiness check turns DOWN and {@link
 * ShutdownDelayInitiatedEvent} fires. For {@code quarkus.shutdown.delay} after that, requests are
 * served as usual (HTTP/1.1 answers carry {@code Connection: close}), so a caller whose balancer
 * has not yet dropped this pod loses nothing. After the delay Quarkus waits for the requests in
 * flight, but would still start new ones; this gate answers them {@code 503 unavailable} with
 * {@code Retry-After: 1} (a retry lands on another replica) so that the grace is spent only on
 * requests that were already running. The management port (health, metrics) is not affected.
 */
@ApplicationScoped
public class ShutdownGate {
  private static final Logger LOG = Logger.getLogger(ShutdownGate.class);

  private static final GatewayProblem SHUTTING_DOWN =
      GatewayProblem.retryAfter(
          ProblemCode.UNAVAILABLE, "The gateway is shutting down; retry the request.", 1);

  private final long delayNanos;

  /** {@link System#nanoTime()} when pre-shutdown began; 0 while the gateway serves normally. */
  private volatile long shutdownRequestedAt;

  /** Requests answered 503 here; they reach no route, so no access line counts them. */
  private final LongAdder refused = new LongAdder();

  ShutdownGate(@ConfigProperty(name = "quarkus.shutdown.delay") Optional<Duration> delay) {
    this.delayNanos = delay.map(Duration::toNanos).filter(n -> n > 0).orElse(0L);
  }

  void shutdownRequested(@Observes ShutdownDelayInitiatedEvent event) {
    long now = System.nanoTime();
    shutdownRequestedAt = now == 0 ? 1 : now;
    LOG.infof(
        "shutdown requested: readiness is DOWN; new requests are served for %d ms more, then"
            + " refused with 503",
        delayNanos / 1_000_000);
  }

  void stopped(@Observes ShutdownEvent event) {
    if (shutdownRequestedAt != 0) {
      LOG.infof("shutdown: %d requests refused with 503 after the delay", refused.sum());
    }
  }

  /** True once the delay is over: new requests are answered 503. */
  boolean refusing() {
    long at = shutdownRequestedAt;
    return at != 0 && System.nanoTime() - at >= delayNanos;
  }

  void register(@Observes Router router) {
    // right after the request id, before authentication and every route
    router.route().order(Integer.MIN_VALUE + 1).handler(this::admit);
  }

  void admit(RoutingContext rc) {
    if (!refusing()) {
      rc.next();
      return;
    }
    refused.increment();
    var request = rc.request();
    String mediaType =
        request.path().startsWith("/proxy/")
            ? Problems.proxyMediaType(request.headers().getAll("Accept"))
            : Problems.MEDIA_TYPE;
    if (request.version() != HttpVersion.HTTP_2) {
      // the body is not read: end the connection after the answer rather than drain it (HTTP/2
      // has no Connection header; Quarkus sends GOAWAY there once the answer is out)
      rc.response().putHeader("Connection", "close");
      rc.response().endHandler(v -> request.connection().close());
    }
    Problems.write(rc.response(), SHUTTING_DOWN, rc.get(RequestIdFilter.CONTEXT_KEY), mediaType);
  }
}
