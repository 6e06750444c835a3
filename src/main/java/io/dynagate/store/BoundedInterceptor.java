package io.dynagate.store;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/**
 * Applies {@link Bounded}. It runs outside Panache's {@code @WithSession} /
 * {@code @WithTransaction}, so the bound covers opening the session, every statement and the
 * commit.
 */
@Bounded
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE)
class BoundedInterceptor {
  private final StoreHealth store;

  BoundedInterceptor(StoreHealth store) {
    this.store = store;
  }

  @AroundInvoke
  Object bound(InvocationContext call) throws Exception {
    Object result = call.proceed();
    return result instanceof Uni<?> uni ? store.bound(uni) : result;
  }
}
