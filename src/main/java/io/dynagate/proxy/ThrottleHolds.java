package io.dynagate.proxy;

import io.dynagate.fleet.FleetEvents;
import io.dynagate.observability.Metrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * After Dataverse answers 429, the connection is held for its {@code Retry-After} on every replica
 * (fleet event); meanwhile the gateway answers 429 {@code throttled} itself. The check on the
 * request path is a map look-up, no round trip.
 */
@ApplicationScoped
class ThrottleHolds {
  static final String EVENT = "throttle";
  static final Duration DEFAULT_HOLD = Duration.ofSeconds(5);
  static final Duration MAX_HOLD = Duration.ofMinutes(5);

  private final Map<String, Instant> until = new ConcurrentHashMap<>();
  private final FleetEvents fleet;
  private final Metrics metrics;
  private final Clock clock;

  ThrottleHolds(FleetEvents fleet, Metrics metrics, Clock clock) {
    this.fleet = fleet;
    this.metrics = metrics;
    this.clock = clock;
    fleet.on(EVENT, this::onEvent);
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

  /** Records an upstream 429 and tells the fleet. */
  void hold(String connectionId, String retryAfter) {
    metrics.throttled(connectionId);
    Instant end = clock.instant().plus(parse(retryAfter, clock.instant()));
    until.merge(connectionId, end, (a, b) -> a.isAfter(b) ? a : b);
    fleet.publish(EVENT, connectionId + "|" + end.toEpochMilli()).subscribe().with(x -> {});
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
