package io.dynagate.token;

import io.dynagate.fleet.FleetLease;
import io.dynagate.fleet.RedisKeys;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The fleet-wide per-connection token lock ({@code dynagate:{<id>}:lock}): a {@link FleetLease}
 * with a random owner, renewed while the refresh runs and released by compare-and-delete, so a
 * holder whose lease lapsed never deletes a successor's lock.
 */
@ApplicationScoped
public class TokenLock {
  private final FleetLease lease;

  TokenLock(FleetLease lease) {
    this.lease = lease;
  }

  static String key(String connectionId) {
    return RedisKeys.ofConnection(connectionId, "lock");
  }

  /** A new random owner value. */
  public static String newOwner() {
    return FleetLease.newOwner();
  }

  /** True when this owner now holds the lock for {@code lease}. */
  public Uni<Boolean> tryAcquire(String connectionId, String owner, Duration lease) {
    return this.lease.tryAcquire(key(connectionId), owner, lease);
  }

  /** Extends the lease if (and only if) this owner still holds the lock. */
  public Uni<Void> renew(String connectionId, String owner, Duration lease) {
    return this.lease.renew(key(connectionId), owner, lease);
  }

  /** Releases the lock if (and only if) this owner still holds it. */
  public Uni<Void> release(String connectionId, String owner) {
    return lease.release(key(connectionId), owner);
  }

  /** Whether anyone holds the lock. */
  public Uni<Boolean> held(String connectionId) {
    return lease.held(key(connectionId));
  }
}
