package io.dynagate.proxy;

import io.dynagate.config.DynagateConfig;
import io.dynagate.connection.AuthType;
import io.dynagate.token.TokenService;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.vertx.core.http.HttpClientResponse;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The connection's access token (cached, or fetched once for everyone waiting), and the one
 * refresh-and-replay: when Dataverse refuses the token (401), exactly that token is dropped, a
 * fresh one obtained and the request sent once more. Only a replayable request is replayed: no
 * body, a body already read whole, or one with a Content-Length up to {@code
 * dynagate.proxy.replay-buffer-bytes}, which is then read before the first send. Static tokens are
 * never refreshed.
 */
@ApplicationScoped
class TokenInterceptor implements ProxyInterceptor {
  private final TokenService tokens;
  private final long replayBytes;

  TokenInterceptor(TokenService tokens, DynagateConfig config) {
    this.tokens = tokens;
    this.replayBytes = config.proxy().replayBufferBytes();
  }

  @Override
  public Uni<HttpClientResponse> handle(ProxyExchange x, ProxyChain next) {
    long start = System.nanoTime();
    boolean refreshable = x.connection.type() != AuthType.STATIC_TOKEN;
    RequestBody body = x.body;
    boolean replayable =
        refreshable
            && (!body.present()
                || body.buffered() != null
                || (body.declaredLength() > 0 && body.declaredLength() <= replayBytes));
    Uni<?> ready =
        replayable && body.present() && body.buffered() == null
            ? body.whole(replayBytes, "The request body is over the limit.")
            : PASS;
    return ready
        .chain(() -> tokens.token(x.connection))
        .chain(
            token -> {
              x.token = token;
              x.tokenNanos = System.nanoTime() - start;
              Uni<HttpClientResponse> first = next.proceed(x);
              return replayable ? first.chain(r -> replayIfRefused(x, next, r)) : first;
            });
  }

  private Uni<HttpClientResponse> replayIfRefused(
      ProxyExchange x, ProxyChain next, HttpClientResponse response) {
    if (response.statusCode() != 401) {
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
              return next.proceed(x);
            });
  }
}
