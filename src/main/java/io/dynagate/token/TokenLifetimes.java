package io.dynagate.token;

import io.dynagate.crypto.Secret;
import java.time.Duration;
import java.time.Instant;

/** Expiry arithmetic, pure so it is tested with any clock. */
public final class TokenLifetimes {
  private TokenLifetimes() {}

  /**
   * The token's times from the local arrival instant.
   *
   * @param expiresIn the IdP's {@code expires_in} in seconds
   * @param refreshIn the IdP's {@code refresh_in} in seconds, or null
   * @param refreshAhead refresh when this much is left and no {@code refresh_in} was sent
   */
  public static AccessToken of(
      Secret value, Instant arrival, long expiresIn, Long refreshIn, Duration refreshAhead) {
    Instant expiresAt = arrival.plusSeconds(Math.max(0, expiresIn));
    Instant refreshAt;
    if (refreshIn != null && refreshIn > 0 && refreshIn < expiresIn) {
      refreshAt = arrival.plusSeconds(refreshIn);
    } else {
      refreshAt = expiresAt.minus(refreshAhead);
      if (refreshAt.isBefore(arrival)) {
        // very short-lived token: refresh from half its life
        refreshAt = arrival.plusSeconds(Math.max(0, expiresIn) / 2);
      }
    }
    return new AccessToken(value, expiresAt, refreshAt);
  }
}
