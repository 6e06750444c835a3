package io.dynagate.fleet;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * At most one load per key in flight in this process: callers that ask while a load runs share its
 * outcome instead of starting their own, so a burst of cold requests costs one store round trip,
 * not one each. The entry is gone as soon as the load ends (item or failure); nothing is cached.
 */
public final class SingleFlight<K, V> {
  private final Map<K, Uni<V>> inflight = new ConcurrentHashMap<>();

  /**
   * The running load of {@code key}, or a new one from {@code load}. The outcome reaches every
   * caller on its own Vert.x context: a request that joined another's load continues on its own
   * context, so what it does next (a Hibernate Reactive session is bound to the context) never runs
   * inside the other request's.
   */
  public Uni<V> load(K key, Supplier<Uni<V>> load) {
    return Uni.createFrom()
        .deferred(
            () -> {
              Context caller = Vertx.currentContext();
              @SuppressWarnings("unchecked")
              Uni<V>[] holder = new Uni[1];
              Uni<V> shared =
                  inflight.computeIfAbsent(
                      key,
                      k ->
                          holder[0] =
                              Uni.createFrom()
                                  .<V>deferred(() -> load.get())
                                  .onTermination()
                                  .invoke(() -> inflight.remove(k, holder[0]))
                                  .memoize()
                                  .indefinitely());
              return caller == null ? shared : shared.emitOn(onContext(caller));
            });
  }

  private static Executor onContext(Context caller) {
    return task -> {
      if (Vertx.currentContext() == caller) {
        task.run();
      } else {
        caller.runOnContext(v -> task.run());
      }
    };
  }

  /** Loads in flight (for tests). */
  int size() {
    return inflight.size();
  }
}
