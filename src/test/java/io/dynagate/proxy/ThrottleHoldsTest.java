package io.dynagate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ThrottleHoldsTest {

  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

  private static String httpDate(Instant instant) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(instant.atOffset(ZoneOffset.UTC));
  }

  @ParameterizedTest(name = "Retry-After: \"{0}\" -> {1} s")
  @CsvSource({
    "1, 1",
    "2, 2",
    "30, 30",
    "' 30 ', 30",
    "299, 299",
    "300, 300",
    "301, 300",
    "3600, 300",
    "86400, 300",
    "9223372036854775807, 300",
    "9223372036854775808, 300",
    "99999999999999999999999, 300",
    "0, 1",
    "-1, 1",
    "-9223372036854775808, 1"
  })
  void secondsAreBoundedToOneSecondAndFiveMinutes(String retryAfter, long expectedSeconds) {
    assertEquals(Duration.ofSeconds(expectedSeconds), ThrottleHolds.parse(retryAfter, NOW));
  }

  @ParameterizedTest(name = "Retry-After: date {0} s from now -> {1} s")
  @CsvSource({
    "1, 1",
    "45, 45",
    "120, 120",
    "300, 300",
    "301, 300",
    "86400, 300",
    "0, 1",
    "-1, 1",
    "-3600, 1"
  })
  void httpDateIsTheHoldUntilThatInstant(long offsetSeconds, long expectedSeconds) {
    String date = httpDate(NOW.plusSeconds(offsetSeconds));

    assertEquals(Duration.ofSeconds(expectedSeconds), ThrottleHolds.parse(date, NOW));
  }

  @ParameterizedTest(name = "Retry-After: \"{0}\" -> {1} s")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          Sat, 01 Mar 2025 12:01:30 GMT | 90
          Sat, 1 Mar 2025 12:01:30 GMT  | 90
          Sat, 01 Mar 2025 12:01:30 +0000 | 90
          Sat, 01 Mar 2025 13:01:30 +0100 | 90
          Sat, 01 Mar 2025 11:59:00 GMT | 1
          Thu, 01 Jan 1970 00:00:00 GMT | 1
          """)
  void literalHttpDatesAreParsed(String date, long expectedSeconds) {
    assertEquals(Duration.ofSeconds(expectedSeconds), ThrottleHolds.parse(date, NOW));
  }

  @ParameterizedTest(name = "Retry-After: \"{0}\" -> default 5 s")
  @NullAndEmptySource
  @ValueSource(
      strings = {
        " ",
        "\t",
        "soon",
        "1.5",
        "30s",
        "PT30S",
        "0x1e",
        "2025-03-01T12:01:30Z",
        "Saturday, 01-Mar-25 12:01:30 GMT",
        "Sat Mar  1 12:01:30 2025"
      })
  void missingOrUnreadableValueHoldsForTheDefault(String retryAfter) {
    assertEquals(Duration.ofSeconds(5), ThrottleHolds.parse(retryAfter, NOW));
  }
}
