package io.dynagate.health;

import io.dynagate.fleet.FleetLease;
import io.dynagate.fleet.RedisKeys;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The fleet-wide probe lease {@code dynagate:{<id>}:probe}: a {@link FleetLease} for one interval,
 * never released, so across all replicas a connection is probed at most once per interval. A
 * replica that takes the lease and dies only skips that connection's probe for one interval.
 */
@ApplicationScoped
class ProbeLease {
  private final FleetLease lease;

  ProbeLease(FleetLease lease) {
    this.lease = lease;
  }

  static String key(String connectionId) {
    return RedisKeys.ofConnection(connectionId, "probe");
  }

  /** True when this replica may probe the connection now. */
  Uni<Boolean> tryTake(String connectionId, String owner, Duration interval) {
    return lease.tryAcquire(
        key(connectionId), owner, Duration.ofMillis(Math.max(1, interval.toMillis())));
  }

  Uni<Void> drop(String connectionId) {
    return lease.drop(key(connectionId));
  }
}
