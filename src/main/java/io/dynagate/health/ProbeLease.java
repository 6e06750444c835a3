package io.dynagate.health;

import io.dynagate.fleet.RedisKeys;
import io.dynagate.fleet.RedisTimeout;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The fleet-wide probe lease {@code dynagate:{<id>}:probe}: {@code SET NX PX <interval>}, never
 * released, so across all replicas a connection is probed at most once per interval. A replica that
 * takes the lease and dies only skips that connection's probe for one interval.
 */
@ApplicationScoped
class ProbeLease {
  private final ReactiveRedisDataSource redis;
  private final RedisTimeout timeout;

  ProbeLease(ReactiveRedisDataSource redis, RedisTimeout timeout) {
    this.redis = redis;
    this.timeout = timeout;
  }

  static String key(String connectionId) {
    return RedisKeys.ofConnection(connectionId, "probe");
  }

  /** True when this replica may probe the connection now. */
  Uni<Boolean> tryTake(String connectionId, String owner, Duration interval) {
    return timeout
        .bound(
            redis.execute(
                "SET",
                key(connectionId),
                owner,
                "NX",
                "PX",
                String.valueOf(Math.max(1, interval.toMillis()))))
        .map(r -> r != null && "OK".equals(r.toString()));
  }

  Uni<Void> drop(String connectionId) {
    return timeout.bound(redis.key().del(key(connectionId))).replaceWithVoid();
  }
}
