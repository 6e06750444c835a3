package io.dynagate.store;

import io.dynagate.fleet.SingleFlight;
import io.dynagate.problem.StoreUnavailable;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Registry answers (an API key, a caller's grants, a connection) as last read from PostgreSQL:
 * fresh for {@code ttl}, then read again (one read per key in flight). When a read finds PostgreSQL
 * unreachable, the last known answer keeps deciding until it is {@code
 * dynagate.store.max-staleness} old; after that, or without one, the failure stands (503). While
 * PostgreSQL is known to be away a stale answer is served at once and one background read per key
 * and second probes for its return, so no request waits out a timeout per key.
 *
 * <p>An eviction (a local change or a fleet event: revocation, grant or connection change) removes
 * the answer entirely, so a revoked key or grant is never served stale; a read that was in flight
 * when the eviction happened is not remembered.
 */
public final class LastKnown<K, V> {
  private static final long RETRY_NANOS = 1_000_000_000L;

  private static final class Entry<V> {
    final V value;
    final long readNanos;
    volatile long retryNanos;

    Entry(V value, long readNanos) {
      this.value = value;
      this.readNanos = readNanos;
      this.retryNanos = readNanos;
    }
  }

  private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
  private final SingleFlight<K, V> reads = new SingleFlight<>();
  private final AtomicLong evictions = new AtomicLong();
  private final StoreHealth store;
  private final Runnable onStale;
  private final long ttlNanos;
  private final int maxEntries;
  private final Predicate<V> remembered;

  /**
   * @param onStale called each time a stale answer is served (a metric)
   * @param remembered which answers are kept (API keys: only accepted ones, so unknown keys cannot
   *     fill the map)
   */
  public LastKnown(
      StoreHealth store,
      java.time.Duration ttl,
      int maxEntries,
      Predicate<V> remembered,
      Runnable onStale) {
    this.store = store;
    this.ttlNanos = ttl.toNanos();
    this.maxEntries = maxEntries;
    this.remembered = remembered;
    this.onStale = onStale;
  }

  /** The answer for {@code key}: fresh, read by {@code read}, or last known (see class). */
  public Uni<V> get(K key, Supplier<Uni<V>> read) {
    long now = System.nanoTime();
    Entry<V> e = entries.get(key);
    if (e != null && now - e.readNanos < ttlNanos) {
      return Uni.createFrom().item(e.value);
    }
    if (e != null && store.down() && usable(e, now)) {
      if (now - e.retryNanos >= 0) {
        e.retryNanos = now + RETRY_NANOS;
        probe(key, read);
      }
      onStale.run();
      return Uni.createFrom().item(e.value);
    }
    return readNow(key, read)
        .onFailure(StoreUnavailable::matches)
        .recoverWithUni(
            failure -> {
              Entry<V> last = entries.get(key);
              if (last != null && usable(last, System.nanoTime())) {
                onStale.run();
                return Uni.createFrom().item(last.value);
              }
              return Uni.createFrom().failure(failure);
            });
  }

  // The outcome is recorded once, by the shared read itself: a caller that joins the read after an
  // eviction must not make its pre-eviction answer look newer than the eviction.
  private Uni<V> readNow(K key, Supplier<Uni<V>> read) {
    return reads.load(
        key,
        () -> {
          long generation = evictions.get();
          return store
              .bound(read.get())
              .onItemOrFailure()
              .invoke(
                  (value, failure) -> {
                    store.record(failure);
                    if (failure == null) {
                      remember(key, value, generation);
                    }
                  });
        });
  }

  // A read of its own, on a context of its own: the request that triggered it goes on at once
  // with the stale answer and may open its own Hibernate session meanwhile.
  private void probe(K key, Supplier<Uni<V>> read) {
    Context current = Vertx.currentContext();
    Runnable run = () -> readNow(key, read).subscribe().with(v -> {}, f -> {});
    if (current == null) {
      run.run();
    } else {
      VertxContext.createNewDuplicatedContext(current).runOnContext(x -> run.run());
    }
  }

  private boolean usable(Entry<V> e, long now) {
    return now - e.readNanos < store.stalenessNanos();
  }

  private void remember(K key, V value, long generation) {
    if (!remembered.test(value)) {
      entries.remove(key);
      return;
    }
    if (ttlNanos <= 0 && store.stalenessNanos() <= 0) {
      return;
    }
    if (entries.size() >= maxEntries) {
      long now = System.nanoTime();
      entries.values().removeIf(x -> !usable(x, now) && now - x.readNanos >= ttlNanos);
      if (entries.size() >= maxEntries) {
        entries.clear(); // crude bound: every answer is read again once
      }
    }
    entries.put(key, new Entry<>(value, System.nanoTime()));
    if (evictions.get() != generation) {
      entries.remove(key); // evicted while the read was in flight: it may predate the change
    }
  }

  /** Forgets the answer for {@code key}. */
  public void evict(K key) {
    evictions.incrementAndGet();
    entries.remove(key);
  }

  /** Forgets every answer whose key matches. */
  public void evictIf(Predicate<K> match) {
    evictions.incrementAndGet();
    entries.keySet().removeIf(match);
  }

  /** Answers held (for tests). */
  int size() {
    return entries.size();
  }
}
