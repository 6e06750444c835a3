package io.dynagate.proxy;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientResponse;

/**
 * One concern of the proxy chain (the shape of vertx-http-proxy's {@code ProxyInterceptor}). The
 * request side runs in chain order before anything is sent to Dataverse and may end the request by
 * failing with a {@link io.dynagate.problem.GatewayProblem}; the response side runs in reverse
 * order on the upstream answer's head, before the head goes to the caller. An interceptor that
 * needs both around one call (the token's refresh-and-replay) overrides {@link #handle}.
 *
 * <p>Everything runs on the request's event loop: no blocking.
 */
interface ProxyInterceptor {
  Uni<Void> PASS = Uni.createFrom().voidItem();

  /** Checks or prepares the request; {@link #PASS} when there is nothing to wait for. */
  default Uni<Void> onRequest(ProxyExchange x) {
    return PASS;
  }

  /** Sees the upstream answer's head; may change {@code x.responseHeaders}. */
  default void onResponse(ProxyExchange x, HttpClientResponse response) {}

  /** The request side, the rest of the chain, the response side. */
  default Uni<HttpClientResponse> handle(ProxyExchange x, ProxyChain next) {
    Uni<Void> request = onRequest(x);
    Uni<HttpClientResponse> answer =
        request == PASS ? next.proceed(x) : request.chain(() -> next.proceed(x));
    return answer.invoke(response -> onResponse(x, response));
  }
}
