package io.dynagate.token;

import io.dynagate.fleet.RedisKeys;
import io.dynagate.fleet.RedisTimeout;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What the status endpoint shows about tokens, shared by all replicas in the Redis hash {@code
 * dynagate:{<id>}:status}: last refresh, expiry of the current token, the IdP's last error. Never a
 * token.
 */
@ApplicationScoped
public class TokenStatusStore {
  private final ReactiveHashCommands<String, String, String> hashes;
  private final ReactiveRedisDataSource redis;
  private final RedisTimeout timeout;

  TokenStatusStore(ReactiveRedisDataSource redis, RedisTimeout timeout) {
    this.redis = redis;
    this.hashes = redis.hash(String.class);
    this.timeout = timeout;
  }

  static String key(String connectionId) {
    return RedisKeys.ofConnection(connectionId, "status");
  }

  /** Snapshot of a connection's token status. */
  public record Snapshot(
      Instant lastRefreshAt, Instant tokenExpiresAt, String error, String description) {}

  public Uni<Void> success(String connectionId, Instant at, Instant expiresAt) {
    return timeout
        .bound(
            redis
                .key()
                .del(key(connectionId))
                .chain(
                    () ->
                        hashes.hset(
                            key(connectionId),
                            Map.of(
                                "lastRefreshAt",
                                at.toString(),
                                "tokenExpiresAt",
                                expiresAt.toString()))))
        .replaceWithVoid()
        .onFailure()
        .recoverWithNull();
  }

  /**
   * Records the IdP's error; a transient one also sets the next attempt time (capped exponential
   * back-off shared by every replica).
   */
  public Uni<Void> failure(
      String connectionId, IdpError error, Instant now, Duration base, Duration max) {
    String key = key(connectionId);
    Uni<Void> recorded =
        hashes
            .hset(
                key,
                Map.of(
                    "error",
                    error.error(),
                    "description",
                    error.description() == null ? "" : error.description()))
            .replaceWithVoid();
    if (!error.isTransient()) {
      return timeout
          .bound(recorded.chain(() -> hashes.hdel(key, "failures", "retryAt")))
          .replaceWithVoid()
          .onFailure()
          .recoverWithNull();
    }
    return timeout
        .bound(
            recorded
                .chain(() -> hashes.hincrby(key, "failures", 1))
                .chain(
                    failures -> {
                      long factor = 1L << Math.min(20, Math.max(0, failures - 1));
                      Duration wait = base.multipliedBy(factor);
                      if (wait.compareTo(max) > 0) {
                        wait = max;
                      }
                      return hashes.hset(key, "retryAt", now.plus(wait).toString());
                    }))
        .replaceWithVoid()
        .onFailure()
        .recoverWithNull();
  }

  /** When the next token-endpoint attempt may be made, if a back-off is running. */
  public Uni<Optional<Instant>> retryAt(String connectionId) {
    return timeout
        .bound(hashes.hget(key(connectionId), "retryAt"))
        .map(v -> Optional.ofNullable(v).map(Instant::parse))
        .onFailure()
        .recoverWithItem(Optional.empty());
  }

  public Uni<Void> clear(String connectionId) {
    return timeout.bound(redis.key().del(key(connectionId))).replaceWithVoid();
  }

  public Uni<Snapshot> get(String connectionId) {
    return timeout
        .bound(hashes.hgetall(key(connectionId)))
        .map(
            m ->
                new Snapshot(
                    instant(m.get("lastRefreshAt")),
                    instant(m.get("tokenExpiresAt")),
                    m.get("error"),
                    m.get("description")));
  }

  private static Instant instant(String s) {
    return s == null ? null : Instant.parse(s);
  }
}
