package io.dynagate.health;

import io.dynagate.config.DynagateConfig;
import io.dynagate.connection.AuthType;
import io.dynagate.connection.ResolvedConnection;
import io.dynagate.token.AccessToken;
import io.dynagate.token.TokenService;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * {@code GET {orgUrl}/api/data/v9.2/WhoAmI} with the connection's token, obtained through {@link
 * TokenService} as the proxy obtains it. A 401 drops exactly that token and is retried once with a
 * fresh one (not for static tokens, which cannot be refreshed); the answer is read and dropped,
 * never logged. Bounded by {@code dynagate.proxy.upstream-timeout}.
 */
@ApplicationScoped
class WhoAmIProbe {
  static final String PATH = "/api/data/v9.2/WhoAmI";

  private final TokenService tokens;
  private final HttpClient client;
  private final long timeoutMillis;

  WhoAmIProbe(TokenService tokens, Vertx vertx, DynagateConfig config) {
    this.tokens = tokens;
    this.timeoutMillis = Math.max(1, config.proxy().upstreamTimeout().toMillis());
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setMaxPoolSize(4)
                .setConnectTimeout((int) config.proxy().connectTimeout().toMillis())
                .setKeepAlive(true));
  }

  @PreDestroy
  void close() {
    client.close();
  }

  /** Probes the connection; never fails (a failure is an outcome). */
  Uni<ProbeResult> probe(ResolvedConnection c) {
    return tokens
        .token(c)
        .onFailure()
        .recoverWithNull()
        .chain(
            token ->
                token == null
                    ? Uni.createFrom().item(new ProbeResult(ProbeOutcome.NO_TOKEN, null, 0))
                    : withToken(c, token));
  }

  /** Latency counts from the first send, so a slow token endpoint does not show as Dataverse's. */
  private Uni<ProbeResult> withToken(ResolvedConnection c, AccessToken token) {
    long start = System.nanoTime();
    return whoAmI(c, token)
        .chain(
            status -> {
              if (status != 401 || c.type() == AuthType.STATIC_TOKEN) {
                return Uni.createFrom().item(status);
              }
              return tokens
                  .invalidate(c, token)
                  .chain(() -> tokens.token(c))
                  .chain(fresh -> whoAmI(c, fresh))
                  // a refused refresh: Dataverse's 401 stands
                  .onFailure()
                  .recoverWithItem(401);
            })
        .map(status -> new ProbeResult(ProbeOutcome.ofStatus(status), status, millisSince(start)))
        .onFailure()
        .recoverWithItem(() -> new ProbeResult(ProbeOutcome.ERROR, null, millisSince(start)));
  }

  /** The status Dataverse answered; fails when none came in time. */
  private Uni<Integer> whoAmI(ResolvedConnection c, AccessToken token) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setAbsoluteURI(stripSlash(c.orgUrl()) + PATH)
            .putHeader("Authorization", "Bearer " + token.value().reveal())
            .putHeader("Accept", "application/json")
            .putHeader("OData-MaxVersion", "4.0")
            .putHeader("OData-Version", "4.0")
            .setFollowRedirects(false)
            .setIdleTimeout(timeoutMillis);
    Future<Integer> status =
        client
            .request(options)
            .compose(request -> request.send())
            .compose(response -> response.body().map(body -> response.statusCode()));
    return UniHelper.toUni(status).ifNoItem().after(Duration.ofMillis(timeoutMillis)).fail();
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
