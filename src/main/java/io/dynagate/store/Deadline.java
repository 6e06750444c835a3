package io.dynagate.store;

import io.dynagate.observability.Metrics;
import io.dynagate.problem.StoreUnavailable;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds a {@link Uni} by a Vert.x timer: the outcome, or a {@link TimeoutException} when none came
 * in time. Unlike Mutiny's {@code ifNoItem()}, whose timer fires on a Mutiny worker thread, the
 * timeout arrives on the caller's Vert.x context like the answer would have, so what follows (a
 * Hibernate Reactive session, the proxy chain) stays on its context. A late answer is dropped and
 * the pending work cancelled.
 */
public final class Deadline {
  private Deadline() {}

  /**
   * {@code work}, failing with a {@link TimeoutException} saying {@code what} after {@code millis}.
   */
  public static <T> Uni<T> bound(Vertx vertx, long millis, Uni<T> work, String what) {
    return Uni.createFrom()
        .emitter(
            emitter -> {
              AtomicBoolean settled = new AtomicBoolean();
              long timer =
                  vertx.setTimer(
                      Math.max(1, millis),
                      id -> {
                        if (settled.compareAndSet(false, true)) {
                          emitter.fail(
                              new TimeoutException(
                                  what + " did not answer within " + millis + " ms"));
                        }
                      });
              Cancellable pending =
                  work.subscribe()
                      .with(
                          item -> {
                            if (settled.compareAndSet(false, true)) {
                              vertx.cancelTimer(timer);
                              emitter.complete(item);
                            }
                          },
                          failure -> {
                            if (settled.compareAndSet(false, true)) {
                              vertx.cancelTimer(timer);
                              emitter.fail(failure);
                            }
                          });
              emitter.onTermination(
                  () -> {
                    vertx.cancelTimer(timer);
                    pending.cancel();
                  });
            });
  }

  /**
   * {@link #bound} that also records the call in {@code dynagate_store_calls_seconds} and, when it
   * fails, {@code dynagate_store_errors_total} under {@code store} ({@code postgresql}, {@code
   * redis}).
   */
  public static <T> Uni<T> metered(
      Vertx vertx, long millis, Uni<T> work, String what, Metrics metrics, String store) {
    return Uni.createFrom()
        .deferred(
            () -> {
              long start = System.nanoTime();
              return bound(vertx, millis, work, what)
                  .onItemOrFailure()
                  .invoke(
                      (item, failure) -> {
                        long nanos = System.nanoTime() - start;
                        if (failure == null) {
                          metrics.storeCall(store, "ok", null, nanos);
                        } else if (failure instanceof TimeoutException) {
                          metrics.storeCall(store, "timeout", "timeout", nanos);
                        } else {
                          metrics.storeCall(
                              store,
                              "error",
                              StoreUnavailable.matches(failure) ? "unreachable" : "other",
                              nanos);
                        }
                      });
            });
  }
}
