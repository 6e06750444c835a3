package io.dynagate.proxy;

import io.dynagate.config.DynagateConfig;
import io.dynagate.http.ClientFaults;
import io.dynagate.observability.Metrics;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.smallrye.mutiny.vertx.UniHelper;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The end of the chain: sends the request to the connection's org ({@link #send}) and streams the
 * answer back ({@link #relay}), with back-pressure both ways.
 *
 * <p>Faults after the answer's head went to the caller never look like a clean end: an upstream
 * reset, an early close or broken framing, no byte moving either way for {@code
 * dynagate.proxy.upstream-timeout}, and a caller that leaves all reset the caller's stream
 * (HTTP/1.1: the connection closes without the last chunk; HTTP/2: {@code RST_STREAM}) and close
 * the upstream exchange at once. The exchange's {@code end} says which ({@link ProxyExchange.End}).
 *
 * <p>We keep this forwarder rather than adopt {@code io.vertx:vertx-http-proxy}: its pipe resets on
 * failure too, but it has no idle bound once the answer streams, no way to replay a request with a
 * fresh token, and its header handling is looser than {@link HeaderPolicy}; the chain around it
 * ({@link ProxyInterceptor}) has the same request-side/response-side shape.
 */
@ApplicationScoped
class Forwarder {
  private static final Logger LOG = Logger.getLogger(Forwarder.class);
  private final HttpClient client;
  private final Vertx vertx;
  private final Metrics metrics;
  private final ClientFaults faults;
  private final long idleMillis;

  /** Answers up to this size (by Content-Length) are sent in one write instead of streamed. */
  static final long SMALL_BODY_BYTES = 64 * 1024;

  Forwarder(Vertx vertx, DynagateConfig config, Metrics metrics, ClientFaults faults) {
    DynagateConfig.Proxy proxy = config.proxy();
    this.vertx = vertx;
    this.metrics = metrics;
    this.faults = faults;
    this.idleMillis = Math.max(1, proxy.upstreamTimeout().toMillis());
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setMaxPoolSize(proxy.maxConnectionsPerOrg())
                .setConnectTimeout((int) proxy.connectTimeout().toMillis())
                .setDecompressionSupported(true)
                .setKeepAlive(true)
                .setMaxWaitQueueSize(10_000));
  }

  /** Sends the request with the exchange's token; the answer's head, or why there is none. */
  Uni<HttpClientResponse> send(ProxyExchange x) {
    MultiMap headers = HeaderPolicy.upstreamRequestHeaders(x.rc.request().headers());
    headers.set("Authorization", "Bearer " + x.token.value().reveal());
    RequestBody body = x.body;
    Buffer buffered = body.present() ? body.buffered() : null;
    if (buffered != null) {
      headers.set("Content-Length", Integer.toString(buffered.length()));
    } else if (body.present() && body.declaredLength() > 0) {
      headers.set("Content-Length", Long.toString(body.declaredLength()));
    }
    RequestOptions options =
        new RequestOptions()
            .setMethod(x.rc.request().method())
            .setAbsoluteURI(upstreamUri(x))
            .setHeaders(headers)
            .setFollowRedirects(false)
            // bounds the wait for the answer's head; the relay bounds the body
            .setIdleTimeout(idleMillis);
    if (x.upstreamStartNanos == 0) {
      x.upstreamStartNanos = System.nanoTime();
    }
    Future<HttpClientResponse> response =
        client
            .request(options)
            .compose(
                request -> {
                  quiet(request);
                  cancelWhenCallerLeaves(x, request);
                  if (!body.present()) {
                    return request.send();
                  }
                  return buffered != null ? request.send(buffered) : request.send(body.stream());
                });
    return UniHelper.toUni(response)
        .onFailure()
        .transform(e -> callerLeft(x) ? callerLeft(e) : problem(e))
        .invoke(r -> x.responseHeaders = HeaderPolicy.downstreamResponseHeaders(r.headers()));
  }

  /**
   * Failures of the upstream exchange reach the caller through the send future and the relay; the
   * request's and connection's own exception handlers would otherwise make Vert.x log each one (an
   * ERROR per reset, most of them after a caller left and the gateway closed the upstream).
   */
  private static void quiet(HttpClientRequest request) {
    request.exceptionHandler(e -> LOG.debugf("upstream request: %s", e.getClass().getSimpleName()));
    request
        .connection()
        .exceptionHandler(e -> LOG.debugf("upstream connection: %s", e.getClass().getSimpleName()));
  }

  /** A caller gone before the answer's head: the upstream exchange stops too. */
  private static void cancelWhenCallerLeaves(ProxyExchange x, HttpClientRequest request) {
    HttpServerResponse out = x.rc.response();
    out.closeHandler(
        v -> {
          if (!out.ended()) {
            closeUpstream(request);
          }
        });
    if (out.closed() && !out.ended()) {
      // gone while the request waited for a pooled connection: its close came before the
      // handler, and the exchange would otherwise hold the connection until the idle timeout
      closeUpstream(request);
    }
  }

  private static void closeUpstream(HttpClientRequest request) {
    request.reset();
    // HTTP/1.1 carries one exchange per connection at a time: closing it stops the transfer
    // even when the request itself was already sent
    if (request.version() != io.vertx.core.http.HttpVersion.HTTP_2) {
      request.connection().close();
    }
  }

  /** Streams the answer to the caller; completes when it ended, cleanly or cut off. */
  Uni<Void> relay(ProxyExchange x, HttpClientResponse upstream) {
    return Uni.createFrom().emitter(emitter -> new Relay(x, upstream, emitter).start());
  }

  /** One answer on its way to the caller. Runs on the request's event loop. */
  private final class Relay {
    private final ProxyExchange x;
    private final HttpClientResponse upstream;
    private final HttpServerResponse out;
    private final UniEmitter<? super Void> done;
    private final LinkRewriter rewriter;
    private long lastActivity = System.nanoTime();
    private long timer = -1;
    private boolean over;

    /** The body of a small answer, sent whole at its end; null while streaming. */
    private Buffer whole;

    Relay(ProxyExchange x, HttpClientResponse upstream, UniEmitter<? super Void> done) {
      this.x = x;
      this.upstream = upstream;
      this.out = x.rc.response();
      this.done = done;
      this.rewriter = x.bodyRewriter;
    }

    /** The upstream status and headers become the caller's (written with the first body bytes). */
    private void head() {
      x.status = upstream.statusCode();
      out.setStatusCode(x.status);
      out.setStatusMessage(upstream.statusMessage());
      out.headers().addAll(x.responseHeaders);
    }

    void start() {
      int status = upstream.statusCode();
      out.closeHandler(
          v -> {
            if (!out.ended()) {
              abort(ProxyExchange.End.CALLER_LEFT);
            }
          });
      out.exceptionHandler(e -> abort(ProxyExchange.End.CALLER_LEFT));
      upstream.exceptionHandler(
          e ->
              abort(
                  e instanceof TimeoutException
                      ? ProxyExchange.End.IDLE_TIMEOUT
                      : ProxyExchange.End.UPSTREAM_ABORTED));
      if ("HEAD".equals(x.method) || status == 204 || status == 304) {
        head();
        upstream.endHandler(v -> end(null));
        return;
      }
      timer = vertx.setTimer(idleMillis, this::checkIdle);
      if (small(upstream)) {
        // a small answer goes out in one write with a Content-Length; until its last byte is in,
        // nothing has been sent, so an upstream failure is still a clean gateway error
        whole = Buffer.buffer();
        upstream.handler(this::collect);
        upstream.exceptionHandler(this::failBeforeHead);
        upstream.endHandler(v -> endWhole());
        return;
      }
      head();
      out.setChunked(true);
      upstream.handler(this::chunk);
      upstream.endHandler(v -> end(rewriter == null ? null : rewriter.finish()));
    }

    /** Declared small and not compressed (the decompressed size is not known beforehand). */
    private boolean small(HttpClientResponse upstream) {
      String length = upstream.getHeader("Content-Length");
      if (length == null || upstream.getHeader("Content-Encoding") != null) {
        return false;
      }
      try {
        long n = Long.parseLong(length.trim());
        return n >= 0 && n <= SMALL_BODY_BYTES;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    private void collect(Buffer chunk) {
      lastActivity = System.nanoTime();
      whole.appendBuffer(rewriter == null ? chunk : rewriter.rewrite(chunk));
    }

    private void endWhole() {
      if (rewriter != null) {
        whole.appendBuffer(rewriter.finish());
      }
      head();
      end(whole);
    }

    private void failBeforeHead(Throwable e) {
      if (over) {
        return;
      }
      over = true;
      cancelTimer();
      out.closeHandler(null);
      out.exceptionHandler(null);
      closeUpstream(upstream.request());
      done.fail(
          e instanceof TimeoutException
              ? GatewayProblem.of(
                  ProblemCode.UPSTREAM_TIMEOUT, "Dataverse stopped sending its answer.")
              : GatewayProblem.of(
                  ProblemCode.UPSTREAM_UNREACHABLE, "Dataverse broke off its answer."));
    }

    private void chunk(Buffer chunk) {
      lastActivity = System.nanoTime();
      Buffer data = rewriter == null ? chunk : rewriter.rewrite(chunk);
      if (data.length() > 0) {
        out.write(data);
      }
      if (out.writeQueueFull()) {
        upstream.pause();
        out.drainHandler(
            v -> {
              lastActivity = System.nanoTime();
              upstream.resume();
            });
      }
    }

    private void end(Buffer tail) {
      if (over) {
        return;
      }
      over = true;
      cancelTimer();
      x.end = ProxyExchange.End.COMPLETE;
      (tail == null || tail.length() == 0 ? out.end() : out.end(tail))
          .onComplete(ar -> done.complete(null));
    }

    private void checkIdle(long id) {
      timer = -1;
      if (over) {
        return;
      }
      long idle = (System.nanoTime() - lastActivity) / 1_000_000;
      if (idle >= idleMillis) {
        if (whole != null) {
          failBeforeHead(new TimeoutException());
          return;
        }
        abort(ProxyExchange.End.IDLE_TIMEOUT);
      } else {
        timer = vertx.setTimer(idleMillis - idle, this::checkIdle);
      }
    }

    private void abort(ProxyExchange.End why) {
      if (over) {
        return;
      }
      over = true;
      cancelTimer();
      x.end = why;
      metrics.proxyAborted(why.tag);
      upstream.handler(null);
      upstream.exceptionHandler(null);
      closeUpstream(upstream.request());
      if (!out.ended()) {
        out.reset(); // HTTP/1.1: closes the connection short of the last chunk; HTTP/2: RST_STREAM
      }
      done.complete(null);
    }

    private void cancelTimer() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }
  }

  private static String upstreamUri(ProxyExchange x) {
    String query = x.path.rawQuery();
    String org = x.connection.orgUrl();
    String path = x.path.path();
    StringBuilder uri =
        new StringBuilder(org.length() + path.length() + 2 + (query == null ? 0 : query.length()));
    uri.append(org).append('/').append(path);
    if (query != null) {
      uri.append('?').append(query);
    }
    return uri.toString();
  }

  private static boolean callerLeft(ProxyExchange x) {
    return x.rc.response().closed();
  }

  /**
   * The caller closed or reset its connection while its request was on the way (a body stream that
   * breaks off fails the upstream request): counted as the caller's fault, not logged as an
   * unreachable Dataverse.
   */
  private Throwable callerLeft(Throwable e) {
    faults.report(ClientFaults.Kind.CALLER_LEFT, e.getClass().getSimpleName());
    return GatewayProblem.of(ProblemCode.BAD_REQUEST, "The caller left.");
  }

  static Throwable problem(Throwable e) {
    if (e instanceof GatewayProblem) {
      return e;
    }
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof PayloadTooLarge) {
        return BodyLimitInterceptor.tooLarge();
      }
      if (c instanceof TimeoutException) {
        return GatewayProblem.of(ProblemCode.UPSTREAM_TIMEOUT, "Dataverse did not answer in time.");
      }
      if (c instanceof ConnectException
          || c instanceof UnknownHostException
          || c instanceof NoRouteToHostException) {
        break;
      }
    }
    LOG.warnf("upstream unreachable: %s", e.getClass().getName());
    return GatewayProblem.of(ProblemCode.UPSTREAM_UNREACHABLE, "Dataverse could not be reached.");
  }

  @PreDestroy
  void close() {
    client.close();
  }
}
