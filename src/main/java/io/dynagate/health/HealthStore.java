package io.dynagate.health;

import io.dynagate.fleet.RedisTimeout;
import io.dynagate.token.TokenStatusStore;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;

/**
 * The health probe's fields in the connection's status hash ({@link TokenStatusStore#key}): the
 * last probe and the verdict, and the last announced state. Both writes are scripts, so two
 * replicas never lose a failure count or announce one state change twice.
 */
@ApplicationScoped
class HealthStore {
  /**
   * Records a probe: consecutive failures (rejected and error count, ok resets, throttled and
   * no_token leave them) and the verdict (ok clears it, rejected sets it, error sets it from
   * ARGV[5] consecutive failures on).
   */
  private static final String RECORD =
      "local f = tonumber(redis.call('hget', KEYS[1], 'probeFailures') or '0') "
          + "local u = redis.call('hget', KEYS[1], 'probeUnhealthy') or '0' "
          + "local o = ARGV[2] "
          + "if o == 'ok' then f = 0 u = '0' "
          + "elseif o == 'rejected' then f = f + 1 u = '1' "
          + "elseif o == 'error' then f = f + 1 "
          + "if f >= tonumber(ARGV[5]) then u = '1' end end "
          + "redis.call('hset', KEYS[1], 'lastProbeAt', ARGV[1], 'lastProbe', o, "
          + "'lastProbeStatus', ARGV[3], 'lastProbeLatencyMs', ARGV[4], "
          + "'probeFailures', tostring(f), 'probeUnhealthy', u) "
          + "return f";

  /** Sets the state and returns the one it replaces (nil when none was recorded). */
  private static final String SWAP =
      "local old = redis.call('hget', KEYS[1], 'state') "
          + "if old ~= ARGV[1] then redis.call('hset', KEYS[1], 'state', ARGV[1]) end "
          + "return old";

  private final ReactiveRedisDataSource redis;
  private final RedisTimeout timeout;

  HealthStore(ReactiveRedisDataSource redis, RedisTimeout timeout) {
    this.redis = redis;
    this.timeout = timeout;
  }

  Uni<Void> record(String connectionId, ProbeResult r, Instant at, int unhealthyAfter) {
    return timeout
        .bound(
            redis.execute(
                "EVAL",
                RECORD,
                "1",
                TokenStatusStore.key(connectionId),
                at.toString(),
                r.outcome().wire(),
                r.status() == null ? "" : r.status().toString(),
                String.valueOf(r.latencyMs()),
                String.valueOf(unhealthyAfter)))
        .replaceWithVoid();
  }

  /**
   * Records {@code state} as the connection's current one; the previous one, empty when none was
   * recorded. Exactly one caller sees a given change.
   */
  Uni<Optional<String>> swapState(String connectionId, String state) {
    return timeout
        .bound(redis.execute("EVAL", SWAP, "1", TokenStatusStore.key(connectionId), state))
        .map(r -> Optional.ofNullable(r).map(Object::toString));
  }

  /** Forgets the probe's verdict (credentials changed: the old verdict says nothing now). */
  Uni<Void> forgetProbe(String connectionId) {
    return timeout
        .bound(
            redis
                .hash(String.class)
                .hdel(TokenStatusStore.key(connectionId), TokenStatusStore.PROBE_FIELDS))
        .replaceWithVoid();
  }

  /** A deleted connection: its status hash goes. */
  Uni<Void> drop(String connectionId) {
    return timeout.bound(redis.key().del(TokenStatusStore.key(connectionId))).replaceWithVoid();
  }
}
