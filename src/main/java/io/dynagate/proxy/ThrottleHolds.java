package io.dynagate.proxy;

import io.dynagate.fleet.FleetEvents;
import io.dynagate.fleet.RedisTimeout;
import io.dynagate.observability.Metrics;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.sortedset.ReactiveSortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * After Dataverse answers 429, the connection is held for its {@code Retry-After} on every replica;
 * meanwhile the gateway answers 429 {@code throttled} itself. The check on the request path is a
 * map look-up, no round trip.
 *
 * <p>A hold reaches the other replicas twice: at once as a fleet event, and in the Redis sorted set
 * {@value #KEY} (member: connection id, score: end of the hold in epoch milliseconds, the later end
 * wins). Every replica reads the set back whenever it (re)subscribes to the fleet channel, so one
 * that starts during a hold, or that was deaf while it was published, still holds. One key for all
 * holds works alike on a single server, with Sentinel and in a cluster (no scan over nodes); holds
 * are rare, so it never becomes a hot key.
 */
@ApplicationScoped
@Startup // listens from the start, not from the first proxied request on
class ThrottleHolds {
  private static final Logger LOG = Logger.getLogger(ThrottleHolds.class);
  static final String EVENT = "throttle";
  static final String KEY = "dynagate:holds";
  static final Duration DEFAULT_HOLD = Duration.ofSeconds(5);
  static final Duration MAX_HOLD = Duration.ofMinutes(5);

  /**
   * Records a hold, keeping the later end: drops ended holds, writes this one unless a later one is
   * there, and lets the set expire when the longest possible hold is over.
   */
  private static final String RECORD =
      "redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[3]) "
          + "local cur = redis.call('zscore', KEYS[1], ARGV[1]) "
          + "if (not cur) or tonumber(cur) < tonumber(ARGV[2]) then "
          + "redis.call('zadd', KEYS[1], ARGV[2], ARGV[1]) end "
          + "redis.call('pexpire', KEYS[1], ARGV[4]) "
          + "return 1";

  private static final long KEY_TTL_MILLIS = MAX_HOLD.plusMinutes(1).toMillis();

  private final Map<String, Instant> until = new ConcurrentHashMap<>();
  private final FleetEvents fleet;
  private final ReactiveRedisDataSource redis;
  private final ReactiveSortedSetCommands<String, String> sets;
  private final RedisTimeout timeout;
  private final Metrics metrics;
  private final Clock clock;

  ThrottleHolds(
      FleetEvents fleet,
      ReactiveRedisDataSource redis,
      RedisTimeout timeout,
      Metrics metrics,
      Clock clock) {
    this.fleet = fleet;
    this.redis = redis;
    this.sets = redis.sortedSet(String.class);
    this.timeout = timeout;
    this.metrics = metrics;
    this.clock = clock;
    fleet.on(EVENT, this::onEvent);
    fleet.onSubscribed(this::load);
  }

  /** Seconds the connection is still held, if it is. */
  Optional<Long> heldFor(String connectionId) {
    Instant end = until.get(connectionId);
    if (end == null) {
      return Optional.empty();
    }
    Duration left = Duration.between(clock.instant(), end);
    if (left.isNegative() || left.isZero()) {
      until.remove(connectionId, end);
      return Optional.empty();
    }
    return Optional.of(Math.max(1, (left.toMillis() + 999) / 1000));
  }

  /** Records an upstream 429, in Redis for replicas to come, and tells the fleet. */
  void hold(String connectionId, String retryAfter) {
    metrics.throttled(connectionId);
    Instant now = clock.instant();
    Instant end = now.plus(parse(retryAfter, now));
    until.merge(connectionId, end, (a, b) -> a.isAfter(b) ? a : b);
    String endMillis = String.valueOf(end.toEpochMilli());
    timeout
        .bound(
            redis.execute(
                "EVAL",
                RECORD,
                "1",
                KEY,
                connectionId,
                endMillis,
                String.valueOf(now.toEpochMilli()),
                String.valueOf(KEY_TTL_MILLIS)))
        .subscribe()
        .with(
            x -> {}, e -> LOG.warnf("throttle hold not stored: %s", e.getClass().getSimpleName()));
    fleet.publish(EVENT, connectionId + "|" + endMillis).subscribe().with(x -> {});
  }

  /** Reads back the holds that have not ended (at start and after every resubscription). */
  void load() {
    long now = clock.millis();
    timeout
        .bound(sets.zrangebyscoreWithScores(KEY, new ScoreRange<>((double) now, false, null, true)))
        .subscribe()
        .with(
            this::remember,
            e -> LOG.warnf("throttle holds not read back: %s", e.getClass().getSimpleName()));
  }

  private void remember(List<ScoredValue<String>> holds) {
    for (ScoredValue<String> h : holds) {
      Instant end = Instant.ofEpochMilli((long) h.score());
      until.merge(h.value(), end, (a, b) -> a.isAfter(b) ? a : b);
    }
  }

  private void onEvent(String argument) {
    int bar = argument.lastIndexOf('|');
    if (bar <= 0) {
      return;
    }
    try {
      Instant end = Instant.ofEpochMilli(Long.parseLong(argument.substring(bar + 1)));
      until.merge(argument.substring(0, bar), end, (a, b) -> a.isAfter(b) ? a : b);
    } catch (NumberFormatException e) {
      // not ours
    }
  }

  /** {@code Retry-After} as seconds or an HTTP date, bounded to [1 s, 5 min]. */
  static Duration parse(String retryAfter, Instant now) {
    if (retryAfter == null || retryAfter.isBlank()) {
      return DEFAULT_HOLD;
    }
    String value = retryAfter.trim();
    Duration d;
    try {
      d = Duration.ofSeconds(Long.parseLong(value));
    } catch (NumberFormatException e) {
      if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return MAX_HOLD; // delay-seconds too large for a long: as long as we ever hold
      }
      try {
        d =
            Duration.between(
                now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      } catch (DateTimeParseException e2) {
        return DEFAULT_HOLD;
      }
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      return Duration.ofSeconds(1);
    }
    return d.compareTo(MAX_HOLD) > 0 ? MAX_HOLD : d;
  }
}
