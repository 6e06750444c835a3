package io.dynagate.proxy;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientResponse;
import java.util.List;
import java.util.function.Function;

/**
 * The rest of the chain from one interceptor on; the last link sends the request upstream. Built
 * once: a request allocates no links.
 */
final class ProxyChain {
  private final ProxyInterceptor interceptor;
  private final ProxyChain next;
  private final Function<ProxyExchange, Uni<HttpClientResponse>> send;

  private ProxyChain(
      ProxyInterceptor interceptor,
      ProxyChain next,
      Function<ProxyExchange, Uni<HttpClientResponse>> send) {
    this.interceptor = interceptor;
    this.next = next;
    this.send = send;
  }

  /** {@code interceptors} in request order, then {@code send}. */
  static ProxyChain of(
      List<ProxyInterceptor> interceptors, Function<ProxyExchange, Uni<HttpClientResponse>> send) {
    ProxyChain chain = new ProxyChain(null, null, send);
    for (int i = interceptors.size() - 1; i >= 0; i--) {
      chain = new ProxyChain(interceptors.get(i), chain, null);
    }
    return chain;
  }

  /** Runs this link and everything after it. */
  Uni<HttpClientResponse> proceed(ProxyExchange x) {
    return interceptor == null ? send.apply(x) : interceptor.handle(x, next);
  }
}
