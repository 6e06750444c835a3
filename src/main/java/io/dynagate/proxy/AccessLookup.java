package io.dynagate.proxy;

import io.dynagate.config.DynagateConfig;
import io.dynagate.connection.ConnectionChanged;
import io.dynagate.connection.ConnectionService;
import io.dynagate.connection.ResolvedConnection;
import io.dynagate.fleet.FleetEvents;
import io.dynagate.grant.GrantChanged;
import io.dynagate.grant.GrantService;
import io.dynagate.grant.GrantView;
import io.dynagate.observability.Metrics;
import io.dynagate.store.LastKnown;
import io.dynagate.store.StoreHealth;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Grant and connection look-ups for the proxy, cached in process for a short TTL so a busy
 * connection does not cost two database round trips per request, and kept as last known answers
 * while PostgreSQL is unreachable (see {@link LastKnown}). Local changes evict at once, other
 * replicas' changes through the fleet channel.
 */
@ApplicationScoped
class AccessLookup {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final int MAX_ENTRIES = 10_000;

  private final GrantService grants;
  private final ConnectionService connections;
  private final FleetEvents fleet;

  // by connection and the caller's principals (its own and its groups', in order): one query
  // reads them together, and a burst of requests on a cold or just-expired entry asks once
  private final LastKnown<String, List<GrantView>> grantCache;
  private final LastKnown<String, Optional<ResolvedConnection>> connectionCache;

  AccessLookup(
      GrantService grants,
      ConnectionService connections,
      DynagateConfig config,
      FleetEvents fleet,
      StoreHealth store,
      Metrics metrics) {
    this.grants = grants;
    this.connections = connections;
    this.fleet = fleet;
    Duration ttl = config.proxy().registryCacheTtl();
    this.grantCache =
        new LastKnown<>(store, ttl, MAX_ENTRIES, x -> true, () -> metrics.staleAnswer("grant"));
    this.connectionCache =
        new LastKnown<>(
            store, ttl, MAX_ENTRIES, x -> true, () -> metrics.staleAnswer("connection"));
    fleet.on(GRANT_EVENT, this::evictGrant);
    fleet.on(CONNECTION_EVENT, this::evictConnection);
  }

  static final String GRANT_EVENT = "grant-changed";
  static final String CONNECTION_EVENT = "connection-changed";

  static boolean plausibleId(String id) {
    return ID.matcher(id).matches();
  }

  /**
   * The grants any of {@code principals} hold on the connection, in the order of {@code
   * principals}.
   */
  Uni<List<GrantView>> grants(String connectionId, List<String> principals) {
    return grantCache.get(
        grantKey(connectionId, principals),
        () ->
            grants
                .find(connectionId, principals)
                .map(
                    found -> {
                      List<GrantView> held = new ArrayList<>();
                      for (String p : principals) {
                        found.getOrDefault(p, Optional.empty()).ifPresent(held::add);
                      }
                      return List.copyOf(held);
                    }));
  }

  /** {@code connection\nprincipal\nprincipal…}: principals cannot hold a line break. */
  private static String grantKey(String connectionId, List<String> principals) {
    return connectionId + "\n" + String.join("\n", principals);
  }

  Uni<Optional<ResolvedConnection>> connection(String connectionId) {
    return connectionCache.get(connectionId, () -> connections.resolve(connectionId));
  }

  // Local changes evict here at once and on every other replica through the fleet channel; the
  // TTL stays as the backstop when a message is lost.
  void onConnectionChanged(@Observes ConnectionChanged change) {
    evictConnection(change.connectionId());
    fleet.publish(CONNECTION_EVENT, change.connectionId()).subscribe().with(x -> {});
  }

  void onGrantChanged(@Observes GrantChanged change) {
    String event = change.connectionId() + "\n" + change.principal();
    evictGrant(event);
    fleet.publish(GRANT_EVENT, event).subscribe().with(x -> {});
  }

  /** {@code connection\nprincipal}: every cached principal list of that connection naming it. */
  private void evictGrant(String event) {
    int nl = event.indexOf('\n');
    if (nl <= 0) {
      return;
    }
    String prefix = event.substring(0, nl + 1);
    String principal = event.substring(nl + 1);
    grantCache.evictIf(k -> k.startsWith(prefix) && names(k.substring(prefix.length()), principal));
  }

  private static boolean names(String principals, String principal) {
    return ("\n" + principals + "\n").contains("\n" + principal + "\n");
  }

  private void evictConnection(String connectionId) {
    connectionCache.evict(connectionId);
    String prefix = connectionId + "\n";
    grantCache.evictIf(k -> k.startsWith(prefix));
  }
}
