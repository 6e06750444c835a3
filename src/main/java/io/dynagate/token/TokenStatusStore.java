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
 *
 * <p>The token layer owns the fields {@link #TOKEN_FIELDS}. The health probe ({@code
 * io.dynagate.health}) writes {@link #PROBE_FIELDS} and {@value #STATE_FIELD} (the last state it
 * announced) into the same hash, so one read gives the status endpoint everything; this class only
 * reads those, and never deletes them when tokens come and go.
 */
@ApplicationScoped
public class TokenStatusStore {
  private final ReactiveHashCommands<String, String, String> hashes;
  private final RedisTimeout timeout;

  TokenStatusStore(ReactiveRedisDataSource redis, RedisTimeout timeout) {
    this.hashes = redis.hash(String.class);
    this.timeout = timeout;
  }

  /** The status hash of a connection. */
  public static String key(String connectionId) {
    return RedisKeys.ofConnection(connectionId, "status");
  }

  /** Fields the token layer writes and clears. */
  static final String[] TOKEN_FIELDS = {
    "lastRefreshAt", "tokenExpiresAt", "error", "description", "failures", "retryAt"
  };

  /** Fields the health probe writes: when, outcome, HTTP status, latency, failures, verdict. */
  public static final String[] PROBE_FIELDS = {
    "lastProbeAt",
    "lastProbe",
    "lastProbeStatus",
    "lastProbeLatencyMs",
    "probeFailures",
    "probeUnhealthy"
  };

  /** The state last announced by a state-change event (written by {@code io.dynagate.health}). */
  public static final String STATE_FIELD = "state";

  /** Snapshot of a connection's token status (and of its last health probe, if any). */
  public record Snapshot(
      Instant lastRefreshAt,
      Instant tokenExpiresAt,
      String error,
      String description,
      Probe probe,
      String state) {

    public Snapshot(
        Instant lastRefreshAt, Instant tokenExpiresAt, String error, String description) {
      this(lastRefreshAt, tokenExpiresAt, error, description, null, null);
    }
  }

  /**
   * The last health probe: when, its outcome, the HTTP status (null when none came), latency,
   * consecutive failures up to it and whether it leaves the connection unhealthy.
   */
  public record Probe(
      Instant at,
      String outcome,
      Integer status,
      Long latencyMs,
      int failures,
      boolean unhealthy) {}

  public Uni<Void> success(String connectionId, Instant at, Instant expiresAt) {
    return timeout
        .bound(
            hashes
                .hdel(key(connectionId), "error", "description", "failures", "retryAt")
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

  /** Forgets what the token layer recorded (the probe's fields and the state stay). */
  public Uni<Void> clear(String connectionId) {
    return timeout.bound(hashes.hdel(key(connectionId), TOKEN_FIELDS)).replaceWithVoid();
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
                    m.get("description"),
                    probe(m),
                    m.get(STATE_FIELD)));
  }

  private static Probe probe(Map<String, String> m) {
    String at = m.get("lastProbeAt");
    if (at == null) {
      return null;
    }
    String status = m.get("lastProbeStatus");
    String latency = m.get("lastProbeLatencyMs");
    String failures = m.get("probeFailures");
    return new Probe(
        Instant.parse(at),
        m.get("lastProbe"),
        status == null || status.isEmpty() ? null : Integer.valueOf(status),
        latency == null ? null : Long.valueOf(latency),
        failures == null ? 0 : Integer.parseInt(failures),
        "1".equals(m.get("probeUnhealthy")));
  }

  private static Instant instant(String s) {
    return s == null ? null : Instant.parse(s);
  }
}
