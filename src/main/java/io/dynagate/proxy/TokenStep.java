package io.dynagate.proxy;

import io.dynagate.token.TokenService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Step 4: the connection's access token (cached, or fetched once for everyone waiting). */
@ApplicationScoped
class TokenStep {
  private final TokenService tokens;

  TokenStep(TokenService tokens) {
    this.tokens = tokens;
  }

  Uni<ProxyExchange> apply(ProxyExchange x) {
    long start = System.nanoTime();
    return tokens
        .token(x.connection)
        .map(
            t -> {
              x.token = t;
              x.tokenNanos = System.nanoTime() - start;
              return x;
            });
  }
}
