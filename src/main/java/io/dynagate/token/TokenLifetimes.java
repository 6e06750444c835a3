package io.dynagate.token;

import io.dynagate.crypto.Secret;
import java.time.Duration;
import java.time.Instant;

/** Expiry arithmetic, pure so it is tested with any clock. */
public final class TokenLifetimes {
  /** Longer lifetimes than this are treated as this (and cannot overflow the arithmetic). */
  static final long MAX_LIFETIME_SECONDS = 7L * 24 * 3600;

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
    long lifetime = Math.min(Math.max(0, expiresIn), MAX_LIFETIME_SECONDS);
    Instant expiresAt = arrival.plusSeconds(lifetime);
    Instant refreshAt;
    if (refreshIn != null && refreshIn > 0 && refreshIn < lifetime) {
      refreshAt = arrival.plusSeconds(refreshIn);
    } else {
      // refresh-ahead before expiry, but never before half the token's life
      Instant ahead = expiresAt.minus(refreshAhead);
      Instant half = arrival.plusSeconds(lifetime / 2);
      refreshAt = ahead.isAfter(half) ? ahead : half;
    }
    return new AccessToken(value, expiresAt, refreshAt);
  }
}
