package io.dynagate.proxy;

import io.dynagate.http.ClientFaults;
import io.dynagate.observability.RequestIdFilter;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.dynagate.problem.Problems;
import io.dynagate.problem.StoreUnavailable;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * {@code ANY /proxy/{connectionId}/{path}}: runs the interceptor chain (see the package
 * documentation for the order), then streams the answer, and writes every error the gateway makes
 * itself — also the security layer's 401s — so that the caller gets the proxy's error format and
 * the access line the status the caller received.
 */
@ApplicationScoped
public class ProxyHandler {
  private static final Logger LOG = Logger.getLogger(ProxyHandler.class);

  /** What a caller may still send after an error before its HTTP/2 stream is reset. */
  private static final long DISCARD_LIMIT = 1 << 20;

  /** What an HTTP/1.1 caller may still send after an error before its connection is closed. */
  private static final long LINGER_LIMIT = 16L << 20;

  /** How long the rest of such a body is waited for. */
  private static final long LINGER_MILLIS = 5_000;

  private final ProxyChain chain;
  private final Forwarder forwarder;
  private final ClientFaults faults;

  ProxyHandler(
      AccessLogInterceptor accessLog,
      BodyLimitInterceptor bodyLimit,
      AuthenticationInterceptor authentication,
      AuthorizationInterceptor authorization,
      ThrottleInterceptor throttle,
      LinkInterceptor links,
      TokenInterceptor token,
      Forwarder forwarder,
      ClientFaults faults) {
    this.forwarder = forwarder;
    this.faults = faults;
    // request sides run top to bottom, response sides bottom to top
    this.chain =
        ProxyChain.of(
            List.of(accessLog, bodyLimit, authentication, authorization, throttle, links, token),
            forwarder::send);
  }

  void register(@Observes Router router) {
    router.route("/proxy/*").handler(this::handle);
  }

  /**
   * Replaces Quarkus's handler of lazy-authentication failures on proxy requests: the proxy answers
   * every failure itself (AuthenticationInterceptor).
   */
  private static final BiConsumer<RoutingContext, Throwable> AUTH_FAILURE_ANSWERED_BY_PROXY =
      (rc, failure) -> {};

  void handle(RoutingContext rc) {
    rc.request().pause(); // the body waits until someone reads it (RequestBody)
    rc.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, AUTH_FAILURE_ANSWERED_BY_PROXY);
    ProxyExchange x = new ProxyExchange(rc, rc.get(RequestIdFilter.CONTEXT_KEY));
    Uni.createFrom()
        .deferred(() -> chain.proceed(x))
        .chain(response -> forwarder.relay(x, response))
        .subscribe()
        .with(done -> finish(x), failure -> fail(x, failure));
  }

  private void fail(ProxyExchange x, Throwable failure) {
    GatewayProblem p;
    if (failure instanceof GatewayProblem g) {
      p = g;
    } else if (StoreUnavailable.matches(failure)) {
      p = StoreUnavailable.problem();
    } else if (x.rc.response().closed()) {
      // the caller's connection is gone (closed or reset mid-request): its doing, not ours
      faults.report(ClientFaults.Kind.CALLER_LEFT, failure.getClass().getSimpleName());
      p = GatewayProblem.of(ProblemCode.BAD_REQUEST, "The caller left.");
      x.end = ProxyExchange.End.CALLER_LEFT;
    } else {
      LOG.errorf(failure, "proxy request %s failed unexpectedly", x.requestId);
      p = GatewayProblem.of(ProblemCode.INTERNAL_ERROR, "The gateway failed unexpectedly.");
    }
    x.problem = p;
    HttpServerResponse out = x.rc.response();
    if (out.headWritten()) {
      // an answer was already under way: the caller has its status line, and a reset instead of a
      // clean end
      if (!out.ended()) {
        out.reset();
      }
      x.status = out.getStatusCode();
      if (x.end == null) {
        x.end = ProxyExchange.End.UPSTREAM_ABORTED;
      }
    } else {
      x.status = p.code().status();
      HttpServerRequest in = x.rc.request();
      boolean unread = !in.isEnded();
      boolean http2 = in.version() == HttpVersion.HTTP_2;
      if (unread && !http2) {
        // the body was never read: answer and close, but let the body in (dropped) for a while
        // first — a caller that writes its whole body before it reads would otherwise lose the
        // answer to the reset a close with unread bytes causes
        out.putHeader("Connection", "close");
        out.endHandler(v -> linger(x.rc, in));
      }
      Problems.write(out, p, x.requestId, Problems.proxyMediaType(in.headers().getAll("Accept")));
      if (unread && http2) {
        // HTTP/2 has no Connection header and the connection carries other streams: let the
        // rest of this stream's body in and drop it, up to a bound, then reset the stream
        discard(in, out);
      }
    }
    finish(x);
  }

  /**
   * Lingering close (as nginx's {@code lingering_close}): reads and drops what the caller still
   * sends, then closes once its body has ended, after {@link #LINGER_LIMIT} bytes or after {@link
   * #LINGER_MILLIS}, whichever comes first.
   */
  private static void linger(RoutingContext rc, HttpServerRequest in) {
    var connection = in.connection();
    var vertx = rc.vertx();
    long timer = vertx.setTimer(LINGER_MILLIS, id -> connection.close());
    Runnable close =
        () -> {
          vertx.cancelTimer(timer);
          connection.close();
        };
    long[] seen = {0};
    in.exceptionHandler(e -> close.run());
    in.handler(
        chunk -> {
          seen[0] += chunk.length();
          if (seen[0] > LINGER_LIMIT) {
            in.handler(null);
            close.run();
          }
        });
    in.endHandler(v -> close.run());
    in.resume();
  }

  private static void discard(HttpServerRequest in, HttpServerResponse out) {
    long[] seen = {0};
    in.exceptionHandler(e -> {});
    in.handler(
        chunk -> {
          seen[0] += chunk.length();
          if (seen[0] > DISCARD_LIMIT) {
            in.handler(null);
            out.reset(0x8); // CANCEL
          }
        });
    in.resume();
  }

  private static void finish(ProxyExchange x) {
    if (x.onDone != null) {
      x.onDone.accept(x);
    }
  }
}
