package io.dynagate.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.crypto.Secret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenLifetimesTest {

  private static final Clock BASE =
      Clock.fixed(Instant.parse("2025-03-01T12:00:00Z"), ZoneOffset.UTC);
  private static final Duration AHEAD = Duration.ofMinutes(5);
  private static final Secret VALUE = Secret.of("eyJ0eXAi.token");

  @ParameterizedTest(name = "local clock off by {0} min: expires_in={1}")
  @CsvSource({"0,   3600", "5,   3600", "-5,  3600", "5,   60", "-5,  60", "0,   1", "120, 86400"})
  void timesAreComputedFromTheLocalArrivalInstant(long skewMinutes, long expiresIn) {
    // given a local clock that is off by skewMinutes compared with BASE
    Clock local = Clock.offset(BASE, Duration.ofMinutes(skewMinutes));
    Instant arrival = local.instant();

    // when the token response arrives
    AccessToken skewed = TokenLifetimes.of(VALUE, arrival, expiresIn, null, AHEAD);
    AccessToken reference = TokenLifetimes.of(VALUE, BASE.instant(), expiresIn, null, AHEAD);

    // then the lifetime is expires_in from the local arrival, shifted exactly by the skew
    assertEquals(Duration.ofSeconds(expiresIn), Duration.between(arrival, skewed.expiresAt()));
    assertEquals(arrival.plusSeconds(expiresIn), skewed.expiresAt());
    assertEquals(
        Duration.ofMinutes(skewMinutes),
        Duration.between(reference.expiresAt(), skewed.expiresAt()));
    assertEquals(
        Duration.ofMinutes(skewMinutes),
        Duration.between(reference.refreshAt(), skewed.refreshAt()));
    assertEquals(VALUE, skewed.value());
  }

  @ParameterizedTest(name = "expires_in={0} refresh_in={1} ahead={2}s -> refresh after {3}s")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      textBlock =
          """
          # expires_in | refresh_in | refresh ahead (s) | refreshAt - arrival (s)
          # refresh_in honoured when 0 < refresh_in < expires_in
          3600         | 1800       | 300               | 1800
          3600         | 3599       | 300               | 3599
          3600         | 1          | 300               | 1
          60           | 10         | 300               | 10
          # refresh_in absent: expires_in - refresh ahead
          3600         | null       | 300               | 3300
          3600         | null       | 60                | 3540
          3600         | null       | 0                 | 3600
          86400        | null       | 300               | 86100
          # never before half the token's life (no jump around refresh-ahead = lifetime)
          301          | null       | 300               | 150
          300          | null       | 300               | 150
          600          | null       | 300               | 300
          601          | null       | 300               | 301
          # refresh_in not below expires_in is ignored
          3600         | 3600       | 300               | 3300
          3600         | 7200       | 300               | 3300
          # refresh_in zero or negative is ignored
          3600         | 0          | 300               | 3300
          3600         | -10        | 300               | 3300
          # very short lifetimes: refresh from half their life
          60           | null       | 300               | 30
          299          | null       | 300               | 149
          1            | null       | 300               | 0
          60           | 60         | 300               | 30
          60           | 0          | 300               | 30
          # no lifetime at all
          0            | null       | 300               | 0
          0            | 1          | 300               | 0
          -30          | null       | 300               | 0
          -30          | 10         | 300               | 0
          """)
  void refreshAtFollowsRefreshInElseRefreshAhead(
      long expiresIn, Long refreshIn, long aheadSeconds, long expectedRefreshAfter) {
    Instant arrival = BASE.instant();

    AccessToken t =
        TokenLifetimes.of(VALUE, arrival, expiresIn, refreshIn, Duration.ofSeconds(aheadSeconds));

    assertEquals(arrival.plusSeconds(expectedRefreshAfter), t.refreshAt());
    assertFalse(t.refreshAt().isBefore(arrival), "refreshAt before arrival");
    assertFalse(t.refreshAt().isAfter(t.expiresAt()), "refreshAt after expiresAt");
  }

  @ParameterizedTest(name = "expires_in={0} -> expiresAt = arrival + {1}s")
  @CsvSource({"3600, 3600", "1, 1", "0, 0", "-1, 0", "-3600, 0", "-9223372036854775808, 0"})
  void expiresAtIsArrivalPlusNonNegativeExpiresIn(long expiresIn, long expectedSeconds) {
    Instant arrival = BASE.instant();

    AccessToken t = TokenLifetimes.of(VALUE, arrival, expiresIn, null, AHEAD);

    assertEquals(arrival.plusSeconds(expectedSeconds), t.expiresAt());
  }

  @ParameterizedTest(name = "{0} ms left, min remaining {1} ms -> usable={2}")
  @CsvSource({
    // remaining (ms), minRemaining (ms), usable
    "30001, 30000, true",
    "30000, 30000, false",
    "29999, 30000, false",
    "3600000, 30000, true",
    "1, 0, true",
    "0, 0, false",
    "-1, 0, false",
    "-60000, 30000, false"
  })
  void usableNeedsMoreThanMinRemainingLeft(long remainingMillis, long minMillis, boolean usable) {
    Instant now = BASE.instant();
    AccessToken t = new AccessToken(VALUE, now.plusMillis(remainingMillis), now);

    assertEquals(usable, t.usable(now, Duration.ofMillis(minMillis)));
  }

  @ParameterizedTest(name = "{0} ms left -> remaining {1} ms")
  @CsvSource({"3600000, 3600000", "1, 1", "0, 0", "-1, 0", "-3600000, 0"})
  void remainingIsNeverNegative(long untilExpiryMillis, long expectedMillis) {
    Instant now = BASE.instant();
    AccessToken t = new AccessToken(VALUE, now.plusMillis(untilExpiryMillis), now);

    assertEquals(Duration.ofMillis(expectedMillis), t.remaining(now));
  }

  @Test
  void tokenFromAClockFiveMinutesSlowIsUsableForItsWholeLocalLifetime() {
    // given a local clock 5 minutes behind and a 10-minute token
    Clock slow = Clock.offset(BASE, Duration.ofMinutes(-5));
    AccessToken t = TokenLifetimes.of(VALUE, slow.instant(), 600, null, AHEAD);
    Duration min = Duration.ofSeconds(30);

    // then, measured on the same local clock, it stays usable until 30 s before its end
    Clock later = Clock.offset(slow, Duration.ofSeconds(600 - 31));
    Clock tooLate = Clock.offset(slow, Duration.ofSeconds(600 - 30));
    assertTrue(t.usable(later.instant(), min));
    assertEquals(Duration.ofSeconds(31), t.remaining(later.instant()));
    assertFalse(t.usable(tooLate.instant(), min));
    assertEquals(Duration.ofSeconds(300), Duration.between(slow.instant(), t.refreshAt()));
  }
}
