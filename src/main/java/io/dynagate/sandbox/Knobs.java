package io.dynagate.sandbox;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Test knobs that make the emulator misbehave on purpose: failures for the next n requests,
 * latency, token lifetime, refresh token rotation, a refused identity. Changed through {@code POST
 * /_sandbox/knobs} or from Java. Every knob is a non-negative integer except {@code
 * oldRefreshTokenInvalidAfterUse} and {@code rejectDataApi} (booleans).
 */
public final class Knobs {

  /** Names accepted by {@link #apply(JsonObject)}. */
  static final Set<String> NAMES =
      Set.of(
          "fail401Next",
          "fail429Next",
          "fail500Next",
          "retryAfterSeconds",
          "latencyMs",
          "tokenLatencyMs",
          "tokenLifetimeSeconds",
          "tokenFailNext",
          "tokenFailStatus",
          "invalidGrantNext",
          "refreshInSeconds",
          "refreshLatencyMs",
          "oldRefreshTokenInvalidAfterUse",
          "rejectDataApi");

  private static final Set<String> BOOLEANS =
      Set.of("oldRefreshTokenInvalidAfterUse", "rejectDataApi");

  private static final int DEFAULT_RETRY_AFTER_SECONDS = 1;
  private static final int DEFAULT_TOKEN_FAIL_STATUS = 500;

  private int fail401Next;
  private int fail429Next;
  private int fail500Next;
  private int retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS;
  private long latencyMs;
  private long tokenLatencyMs;
  private Integer tokenLifetimeSeconds;
  private int tokenFailNext;
  private int tokenFailStatus = DEFAULT_TOKEN_FAIL_STATUS;
  private int invalidGrantNext;
  private Integer refreshInSeconds;
  private long refreshLatencyMs;
  private boolean oldRefreshTokenInvalidAfterUse;
  private boolean rejectDataApi;

  /**
   * Sets the knobs present in {@code json}; {@code null} puts one back to its default. Either all
   * values are valid and applied, or none is.
   *
   * @throws IllegalArgumentException naming the first unknown knob or invalid value
   */
  public synchronized void apply(JsonObject json) {
    for (Map.Entry<String, Object> e : json) {
      if (!NAMES.contains(e.getKey())) {
        throw new IllegalArgumentException("unknown knob '" + e.getKey() + "'");
      }
      if (e.getValue() != null) {
        check(e.getKey(), e.getValue());
      }
    }
    for (Map.Entry<String, Object> e : json) {
      if (BOOLEANS.contains(e.getKey())) {
        setFlag(e.getKey(), (Boolean) e.getValue());
      } else {
        set(e.getKey(), (Number) e.getValue());
      }
    }
  }

  private static void check(String name, Object value) {
    if (BOOLEANS.contains(name)) {
      if (!(value instanceof Boolean)) {
        throw new IllegalArgumentException("knob '" + name + "' must be true or false");
      }
      return;
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      throw new IllegalArgumentException("knob '" + name + "' must be an integer");
    }
    long n = ((Number) value).longValue();
    if (n < 0 || n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("knob '" + name + "' must be 0 or more");
    }
    if (name.equals("tokenFailStatus") && (n < 400 || n > 599)) {
      throw new IllegalArgumentException("knob 'tokenFailStatus' must be 400..599");
    }
  }

  private void set(String name, Number value) {
    int n = value == null ? 0 : value.intValue();
    switch (name) {
      case "fail401Next" -> fail401Next = n;
      case "fail429Next" -> fail429Next = n;
      case "fail500Next" -> fail500Next = n;
      case "retryAfterSeconds" ->
          retryAfterSeconds = value == null ? DEFAULT_RETRY_AFTER_SECONDS : n;
      case "latencyMs" -> latencyMs = n;
      case "tokenLatencyMs" -> tokenLatencyMs = n;
      case "tokenLifetimeSeconds" -> tokenLifetimeSeconds = value == null ? null : n;
      case "tokenFailNext" -> tokenFailNext = n;
      case "tokenFailStatus" -> tokenFailStatus = value == null ? DEFAULT_TOKEN_FAIL_STATUS : n;
      case "invalidGrantNext" -> invalidGrantNext = n;
      case "refreshInSeconds" -> refreshInSeconds = value == null ? null : n;
      case "refreshLatencyMs" -> refreshLatencyMs = n;
      default -> throw new IllegalArgumentException("unknown knob '" + name + "'");
    }
  }

  private void setFlag(String name, Boolean value) {
    if (name.equals("oldRefreshTokenInvalidAfterUse")) {
      oldRefreshTokenInvalidAfterUse = Boolean.TRUE.equals(value);
    } else if (name.equals("rejectDataApi")) {
      rejectDataApi = Boolean.TRUE.equals(value);
    } else {
      throw new IllegalArgumentException("unknown knob '" + name + "'");
    }
  }

  /** Puts every knob back to its default (no failures, no latency, configured lifetime). */
  public synchronized void clear() {
    for (String name : NAMES) {
      if (BOOLEANS.contains(name)) {
        setFlag(name, null);
      } else {
        set(name, null);
      }
    }
  }

  /** The current values, in the form {@link #apply(JsonObject)} accepts. */
  public synchronized JsonObject toJson() {
    return new JsonObject()
        .put("fail401Next", fail401Next)
        .put("fail429Next", fail429Next)
        .put("fail500Next", fail500Next)
        .put("retryAfterSeconds", retryAfterSeconds)
        .put("latencyMs", latencyMs)
        .put("tokenLatencyMs", tokenLatencyMs)
        .put("tokenLifetimeSeconds", tokenLifetimeSeconds)
        .put("tokenFailNext", tokenFailNext)
        .put("tokenFailStatus", tokenFailStatus)
        .put("invalidGrantNext", invalidGrantNext)
        .put("refreshInSeconds", refreshInSeconds)
        .put("refreshLatencyMs", refreshLatencyMs)
        .put("oldRefreshTokenInvalidAfterUse", oldRefreshTokenInvalidAfterUse)
        .put("rejectDataApi", rejectDataApi);
  }

  /** True, and one less to go, when the next data request must fail with 401. */
  synchronized boolean takeFail401() {
    if (fail401Next == 0) {
      return false;
    }
    fail401Next--;
    return true;
  }

  /** True, and one less to go, when the next data request must fail with 429. */
  synchronized boolean takeFail429() {
    if (fail429Next == 0) {
      return false;
    }
    fail429Next--;
    return true;
  }

  /** True, and one less to go, when the next data request must fail with 500. */
  synchronized boolean takeFail500() {
    if (fail500Next == 0) {
      return false;
    }
    fail500Next--;
    return true;
  }

  /** The status of the next token request's forced failure, if it must fail. */
  synchronized Optional<Integer> takeTokenFailure() {
    if (tokenFailNext == 0) {
      return Optional.empty();
    }
    tokenFailNext--;
    return Optional.of(tokenFailStatus);
  }

  synchronized int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  synchronized long latencyMs() {
    return latencyMs;
  }

  synchronized long tokenLatencyMs() {
    return tokenLatencyMs;
  }

  /** The lifetime for the next token: the knob when set, else {@code configured}. */
  synchronized Duration tokenLifetime(Duration configured) {
    return tokenLifetimeSeconds == null
        ? configured
        : Duration.ofSeconds(tokenLifetimeSeconds.longValue());
  }

  /**
   * True, and one less to go, when the next {@code authorization_code} or {@code refresh_token}
   * request must fail with {@code invalid_grant}.
   */
  synchronized boolean takeInvalidGrant() {
    if (invalidGrantNext == 0) {
      return false;
    }
    invalidGrantNext--;
    return true;
  }

  synchronized long refreshLatencyMs() {
    return refreshLatencyMs;
  }

  /** {@code refresh_in} for the next token: the knob when set, else {@code configured}. */
  synchronized Optional<Duration> refreshIn(Optional<Duration> configured) {
    return refreshInSeconds == null
        ? configured
        : Optional.of(Duration.ofSeconds(refreshInSeconds.longValue()));
  }

  /** Strict rotation: a refresh token stops working once it has been redeemed. */
  synchronized boolean oldRefreshTokenInvalidAfterUse() {
    return oldRefreshTokenInvalidAfterUse;
  }

  /**
   * A revoked app registration or a disabled application user: every data API request with a valid
   * token (WhoAmI included) is refused with 403 while the token endpoint keeps issuing.
   */
  synchronized boolean rejectDataApi() {
    return rejectDataApi;
  }
}
