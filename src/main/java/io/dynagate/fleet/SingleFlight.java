package io.dynagate.fleet;

import io.smallrye.mutiny.Uni;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * At most one load per key in flight in this process: callers that ask while a load runs share its
 * outcome instead of starting their own, so a burst of cold requests costs one store round trip,
 * not one each. The entry is gone as soon as the load ends (item or failure); nothing is cached.
 */
public final class SingleFlight<K, V> {
  private final Map<K, Uni<V>> inflight = new ConcurrentHashMap<>();

  /** The running load of {@code key}, or a new one from {@code load}. */
  public Uni<V> load(K key, Supplier<Uni<V>> load) {
    return Uni.createFrom()
        .deferred(
            () -> {
              @SuppressWarnings("unchecked")
              Uni<V>[] holder = new Uni[1];
              return inflight.computeIfAbsent(
                  key,
                  k ->
                      holder[0] =
                          Uni.createFrom()
                              .<V>deferred(() -> load.get())
                              .onTermination()
                              .invoke(() -> inflight.remove(k, holder[0]))
                              .memoize()
                              .indefinitely());
            });
  }

  /** Loads in flight (for tests). */
  int size() {
    return inflight.size();
  }
}
