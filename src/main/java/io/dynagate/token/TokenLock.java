package io.dynagate.token;

import io.dynagate.fleet.RedisKeys;
import io.dynagate.fleet.RedisTimeout;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.UUID;

/**
 * The fleet-wide per-connection token lock ({@code dynagate:{<id>}:lock}): {@code SET NX PX} with a
 * random owner, released by a compare-and-delete script so a holder whose lease lapsed never
 * deletes a successor's lock.
 */
@ApplicationScoped
public class TokenLock {
  private static final String RELEASE =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) "
          + "else return 0 end";

  private final ReactiveRedisDataSource redis;
  private final RedisTimeout timeout;

  TokenLock(ReactiveRedisDataSource redis, RedisTimeout timeout) {
    this.redis = redis;
    this.timeout = timeout;
  }

  static String key(String connectionId) {
    return RedisKeys.ofConnection(connectionId, "lock");
  }

  /** A new random owner value. */
  public static String newOwner() {
    return UUID.randomUUID().toString();
  }

  /** True when this owner now holds the lock for {@code lease}. */
  public Uni<Boolean> tryAcquire(String connectionId, String owner, Duration lease) {
    return timeout
        .bound(
            redis.execute(
                "SET", key(connectionId), owner, "NX", "PX", String.valueOf(lease.toMillis())))
        .map(response -> response != null && "OK".equals(response.toString()));
  }

  private static final String RENEW =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2])"
          + " else return 0 end";

  /** Extends the lease if (and only if) this owner still holds the lock. */
  public Uni<Void> renew(String connectionId, String owner, Duration lease) {
    return timeout
        .bound(
            redis.execute(
                "EVAL", RENEW, "1", key(connectionId), owner, String.valueOf(lease.toMillis())))
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }

  /** Releases the lock if (and only if) this owner still holds it. */
  public Uni<Void> release(String connectionId, String owner) {
    return timeout
        .bound(redis.execute("EVAL", RELEASE, "1", key(connectionId), owner))
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }

  /** Whether anyone holds the lock. */
  public Uni<Boolean> held(String connectionId) {
    return timeout.bound(redis.key().exists(key(connectionId)));
  }
}
