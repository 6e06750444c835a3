package io.dynagate.proxy;

import io.dynagate.config.DynagateConfig;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.dynagate.token.TokenService;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * Steps 5 and 6: sends the request to the connection's org and streams the answer back, with
 * back-pressure both ways. Links pointing at the org are rewritten to the gateway on the fly.
 */
@ApplicationScoped
class ForwardStep {
  private static final org.jboss.logging.Logger LOG =
      org.jboss.logging.Logger.getLogger(ForwardStep.class);
  private final HttpClient client;
  private final DynagateConfig.Proxy config;
  private final ThrottleHolds holds;
  private final PublicBases bases;

  private final TokenService tokens;

  ForwardStep(
      Vertx vertx,
      DynagateConfig config,
      ThrottleHolds holds,
      TokenService tokens,
      PublicBases bases) {
    this.config = config.proxy();
    this.holds = holds;
    this.tokens = tokens;
    this.bases = bases;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setMaxPoolSize(this.config.maxConnectionsPerOrg())
                .setConnectTimeout((int) this.config.connectTimeout().toMillis())
                .setDecompressionSupported(true)
                .setKeepAlive(true)
                .setMaxWaitQueueSize(10_000));
  }

  Uni<ProxyExchange> apply(ProxyExchange x) {
    HttpServerRequest in = x.rc.request();
    long length = contentLength(in);
    if (length > config.maxRequestBytes()) {
      throw tooLarge();
    }
    boolean hasBody = length > 0 || in.headers().contains("Transfer-Encoding");
    boolean replayable =
        x.bufferedBody != null
            ? refreshable(x)
            : !hasBody || (length > 0 && length <= config.replayBufferBytes() && refreshable(x));
    Uni<Buffer> body =
        x.bufferedBody != null
            ? Uni.createFrom().item(x.bufferedBody)
            : hasBody && replayable ? readWhole(in) : Uni.createFrom().nullItem();
    return body.chain(
            buffered -> {
              x.upstreamStartNanos = System.nanoTime();
              Body b =
                  buffered == null
                      ? new Body(hasBody, length, null)
                      : new Body(true, buffered.length(), buffered);
              return send(x, b)
                  .chain(r -> replayable ? retryOnceIfRefused(x, b, r) : Uni.createFrom().item(r));
            })
        .chain(r -> UniHelper.toUni(relay(x, r)))
        .replaceWith(x);
  }

  /** Reads a small body into memory (the request was paused when it arrived). */
  private static Uni<Buffer> readWhole(HttpServerRequest in) {
    Future<Buffer> whole = in.body();
    in.resume();
    return UniHelper.toUni(whole).onFailure().transform(ForwardStep::problem);
  }

  /** The request body: none, streamed from the caller, or held in memory for a replay. */
  private record Body(boolean present, long length, Buffer buffered) {}

  private static boolean refreshable(ProxyExchange x) {
    return x.connection.type() != io.dynagate.connection.AuthType.STATIC_TOKEN;
  }

  private Uni<HttpClientResponse> send(ProxyExchange x, Body body) {
    HttpServerRequest in = x.rc.request();
    MultiMap headers = HeaderPolicy.upstreamRequestHeaders(in.headers());
    headers.set("Authorization", "Bearer " + x.token.value().reveal());
    if (body.present() && body.length() > 0) {
      headers.set("Content-Length", Long.toString(body.length()));
    }
    RequestOptions options =
        new RequestOptions()
            .setMethod(in.method())
            .setAbsoluteURI(upstreamUri(x))
            .setHeaders(headers)
            .setFollowRedirects(false)
            .setIdleTimeout(config.upstreamTimeout().toMillis());
    Future<HttpClientResponse> response =
        client
            .request(options)
            .compose(
                request -> {
                  // caller gone before the answer ended: stop the upstream exchange too. Only
                  // then: on HTTP/2 this also fires when the stream ends normally, and resetting a
                  // finished request would close a pooled connection another request now uses.
                  x.rc
                      .response()
                      .closeHandler(
                          v -> {
                            if (!x.rc.response().ended()) {
                              request.reset();
                            }
                          });
                  if (!body.present()) {
                    return request.send();
                  }
                  return body.buffered() != null
                      ? request.send(body.buffered())
                      : request.send(new LimitedReadStream(in, config.maxRequestBytes()));
                });
    return UniHelper.toUni(response).onFailure().transform(ForwardStep::problem);
  }

  /**
   * Dataverse refused the token (401): drop exactly that token, get a fresh one and send once more.
   * Only for replayable requests (no body, or a body held in memory).
   */
  private Uni<HttpClientResponse> retryOnceIfRefused(
      ProxyExchange x, Body body, HttpClientResponse response) {
    if (response.statusCode() != 401 || !refreshable(x)) {
      return Uni.createFrom().item(response);
    }
    return UniHelper.toUni(response.body())
        .onFailure()
        .recoverWithNull()
        .chain(() -> tokens.invalidate(x.connection, x.token))
        .chain(() -> tokens.token(x.connection))
        .chain(
            fresh -> {
              x.token = fresh;
              x.retried = true;
              return send(x, body);
            });
  }

  private Future<Void> relay(ProxyExchange x, HttpClientResponse upstream) {
    HttpServerResponse out = x.rc.response();
    int status = upstream.statusCode();
    x.status = status;
    if (status == 429) {
      holds.hold(x.connectionId, upstream.getHeader("Retry-After"));
    }
    String contentType = upstream.getHeader("Content-Type");
    LinkRewriter links =
        new LinkRewriter(x.connection.orgUrl(), linkPrefix(x), multipart(contentType));
    MultiMap headers = HeaderPolicy.downstreamResponseHeaders(upstream.headers());
    for (String name : new String[] {"Location", "OData-EntityId"}) {
      String value = headers.get(name);
      if (value != null) {
        headers.set(name, links.rewriteHeader(value));
      }
    }
    out.setStatusCode(status);
    out.setStatusMessage(upstream.statusMessage());
    out.headers().addAll(headers);
    if (x.method.equals(HttpMethod.HEAD.name()) || status == 204 || status == 304) {
      return upstream.end().compose(v -> out.end());
    }
    out.setChunked(true);
    if (!rewritable(contentType)) {
      return upstream.pipeTo(out);
    }
    Promise<Void> done = Promise.promise();
    upstream.handler(
        chunk -> {
          Buffer rewritten = links.rewrite(chunk);
          if (rewritten.length() > 0) {
            out.write(rewritten);
          }
          if (out.writeQueueFull()) {
            upstream.pause();
            out.drainHandler(v -> upstream.resume());
          }
        });
    upstream.exceptionHandler(
        e -> {
          out.reset();
          done.tryFail(e);
        });
    upstream.endHandler(v -> out.end(links.finish()).onComplete(done));
    return done.future();
  }

  private String upstreamUri(ProxyExchange x) {
    String query = x.path.rawQuery();
    return x.connection.orgUrl() + "/" + x.path.path() + (query == null ? "" : "?" + query);
  }

  /** {@code {base}/proxy/{id}} on the public base the caller reached the gateway by. */
  private String linkPrefix(ProxyExchange x) {
    HostAndPort authority = x.rc.request().authority();
    String base =
        authority == null
            ? bases.forAuthority(null, -1)
            : bases.forAuthority(authority.host(), authority.port());
    return base + ResolveStep.PREFIX + x.connectionId;
  }

  private static boolean multipart(String contentType) {
    return contentType != null
        && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/mixed");
  }

  private static boolean rewritable(String contentType) {
    if (contentType == null) {
      return false;
    }
    String ct = contentType.toLowerCase(Locale.ROOT);
    return ct.startsWith("application/json") || ct.startsWith("multipart/mixed");
  }

  private static long contentLength(HttpServerRequest in) {
    String value = in.getHeader("Content-Length");
    if (value == null) {
      return -1;
    }
    try {
      long n = Long.parseLong(value.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw GatewayProblem.of(ProblemCode.BAD_REQUEST, "Content-Length is not a number.");
    }
  }

  static Throwable problem(Throwable e) {
    if (e instanceof GatewayProblem) {
      return e;
    }
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof PayloadTooLarge) {
        return tooLarge();
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

  private static GatewayProblem tooLarge() {
    return GatewayProblem.of(ProblemCode.PAYLOAD_TOO_LARGE, "The request body is over the limit.");
  }

  @PreDestroy
  void close() {
    client.close();
  }
}
