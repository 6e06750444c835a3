package io.dynagate.fleet;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.UUID;

/**
 * A fleet-wide lease on one Redis key: {@code SET key owner NX PX ttl}, so at most one replica
 * holds it until it lapses; renewed and released by compare-and-delete scripts, so a holder whose
 * lease lapsed never extends or deletes a successor's. Every command is bounded by {@link
 * RedisTimeout}.
 */
@ApplicationScoped
public class FleetLease {
  private static final String RENEW =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2])"
          + " else return 0 end";
  private static final String RELEASE =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) "
          + "else return 0 end";

  private final ReactiveRedisDataSource redis;
  private final RedisTimeout timeout;

  FleetLease(ReactiveRedisDataSource redis, RedisTimeout timeout) {
    this.redis = redis;
    this.timeout = timeout;
  }

  /** A new random owner value. */
  public static String newOwner() {
    return UUID.randomUUID().toString();
  }

  /**
   * True when {@code owner} now holds {@code key} for {@code ttl}; false when someone else does.
   */
  public Uni<Boolean> tryAcquire(String key, String owner, Duration ttl) {
    return timeout
        .bound(redis.execute("SET", key, owner, "NX", "PX", String.valueOf(ttl.toMillis())))
        .map(response -> response != null && "OK".equals(response.toString()));
  }

  /** Extends the lease to {@code ttl} if (and only if) {@code owner} still holds it. */
  public Uni<Void> renew(String key, String owner, Duration ttl) {
    return timeout
        .bound(redis.execute("EVAL", RENEW, "1", key, owner, String.valueOf(ttl.toMillis())))
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }

  /** Releases the lease if (and only if) {@code owner} still holds it. */
  public Uni<Void> release(String key, String owner) {
    return timeout
        .bound(redis.execute("EVAL", RELEASE, "1", key, owner))
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }

  /** Whether anyone holds {@code key}. */
  public Uni<Boolean> held(String key) {
    return timeout.bound(redis.key().exists(key));
  }

  /** Deletes the lease whoever holds it (when what it guarded is gone). */
  public Uni<Void> drop(String key) {
    return timeout.bound(redis.key().del(key)).replaceWithVoid();
  }
}
