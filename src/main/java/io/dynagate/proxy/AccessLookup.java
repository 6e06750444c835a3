package io.dynagate.proxy;

import io.dynagate.config.DynagateConfig;
import io.dynagate.connection.ConnectionChanged;
import io.dynagate.connection.ConnectionService;
import io.dynagate.connection.ResolvedConnection;
import io.dynagate.fleet.FleetEvents;
import io.dynagate.fleet.SingleFlight;
import io.dynagate.grant.GrantChanged;
import io.dynagate.grant.GrantService;
import io.dynagate.grant.GrantView;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Grant and connection look-ups for the proxy, cached in process for a short TTL so a busy
 * connection does not cost two database round trips per request. Local changes evict at once.
 */
@ApplicationScoped
class AccessLookup {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final int MAX_ENTRIES = 10_000;

  private record Entry<T>(T value, long expiresNanos) {}

  private final GrantService grants;
  private final ConnectionService connections;
  private final long ttlNanos;
  private final Map<String, Entry<Optional<GrantView>>> grantCache = new ConcurrentHashMap<>();
  private final Map<String, Entry<Optional<ResolvedConnection>>> connectionCache =
      new ConcurrentHashMap<>();

  private final FleetEvents fleet;

  // a burst of requests on a cold or just-expired entry asks the store once
  private final SingleFlight<String, Map<String, Optional<GrantView>>> grantLoads =
      new SingleFlight<>();
  private final SingleFlight<String, Optional<ResolvedConnection>> connectionLoads =
      new SingleFlight<>();

  AccessLookup(
      GrantService grants,
      ConnectionService connections,
      DynagateConfig config,
      FleetEvents fleet) {
    this.grants = grants;
    this.connections = connections;
    this.ttlNanos = config.proxy().registryCacheTtl().toNanos();
    this.fleet = fleet;
    fleet.on(GRANT_EVENT, k -> grantCache.remove(k));
    fleet.on(CONNECTION_EVENT, this::evictConnection);
  }

  static final String GRANT_EVENT = "grant-changed";
  static final String CONNECTION_EVENT = "connection-changed";

  static boolean plausibleId(String id) {
    return ID.matcher(id).matches();
  }

  /**
   * The grants any of {@code principals} hold on the connection, in the order of {@code
   * principals}; principals without a cached answer are looked up together in one query.
   */
  Uni<List<GrantView>> grants(String connectionId, List<String> principals) {
    long now = System.nanoTime();
    Map<String, Optional<GrantView>> known = new HashMap<>();
    List<String> missing = new ArrayList<>();
    for (String p : principals) {
      Entry<Optional<GrantView>> e = grantCache.get(grantKey(connectionId, p));
      if (e != null && now - e.expiresNanos() < 0) {
        known.put(p, e.value());
      } else {
        missing.add(p);
      }
    }
    Uni<Map<String, Optional<GrantView>>> loaded =
        missing.isEmpty()
            ? Uni.createFrom().item(Map.of())
            : grantLoads
                .load(
                    connectionId + "\n" + String.join("\n", missing),
                    () -> grants.find(connectionId, missing))
                .invoke(
                    found ->
                        found.forEach(
                            (p, g) -> remember(grantCache, grantKey(connectionId, p), g)));
    return loaded.map(
        found -> {
          List<GrantView> held = new ArrayList<>();
          for (String p : principals) {
            known.getOrDefault(p, found.getOrDefault(p, Optional.empty())).ifPresent(held::add);
          }
          return held;
        });
  }

  private static String grantKey(String connectionId, String principal) {
    return connectionId + "\n" + principal;
  }

  Uni<Optional<ResolvedConnection>> connection(String connectionId) {
    return cached(
        connectionCache,
        connectionId,
        () -> connectionLoads.load(connectionId, () -> connections.resolve(connectionId)));
  }

  // Local changes evict here at once and on every other replica through the fleet channel; the
  // TTL stays as the backstop when a message is lost.
  void onConnectionChanged(@Observes ConnectionChanged change) {
    evictConnection(change.connectionId());
    fleet.publish(CONNECTION_EVENT, change.connectionId()).subscribe().with(x -> {});
  }

  void onGrantChanged(@Observes GrantChanged change) {
    String key = grantKey(change.connectionId(), change.principal());
    grantCache.remove(key);
    fleet.publish(GRANT_EVENT, key).subscribe().with(x -> {});
  }

  private void evictConnection(String connectionId) {
    connectionCache.remove(connectionId);
    grantCache.keySet().removeIf(k -> k.startsWith(connectionId + "\n"));
  }

  private <T> Uni<T> cached(
      Map<String, Entry<T>> cache, String key, java.util.function.Supplier<Uni<T>> load) {
    long now = System.nanoTime();
    Entry<T> e = cache.get(key);
    if (e != null && now - e.expiresNanos() < 0) {
      return Uni.createFrom().item(e.value());
    }
    if (ttlNanos <= 0) {
      return load.get();
    }
    return load.get().invoke(v -> remember(cache, key, v));
  }

  private <T> void remember(Map<String, Entry<T>> cache, String key, T value) {
    if (ttlNanos <= 0) {
      return;
    }
    if (cache.size() >= MAX_ENTRIES) {
      cache.clear(); // crude bound; entries live a second anyway
    }
    cache.put(key, new Entry<>(value, System.nanoTime() + ttlNanos));
  }
}
