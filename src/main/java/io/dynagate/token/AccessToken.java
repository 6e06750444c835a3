package io.dynagate.token;

import io.dynagate.crypto.Secret;
import java.time.Duration;
import java.time.Instant;

/**
 * An access token and its times, all computed from the local clock at the moment the token response
 * arrived (never from the IdP's clock).
 *
 * @param refreshAt from when a background refresh should start
 */
public record AccessToken(Secret value, Instant expiresAt, Instant refreshAt) {

  /** Whether the token may still be handed out: at least {@code minRemaining} left. */
  public boolean usable(Instant now, Duration minRemaining) {
    return now.plus(minRemaining).isBefore(expiresAt);
  }

  /** Remaining lifetime from {@code now} (zero when expired). */
  public Duration remaining(Instant now) {
    Duration d = Duration.between(now, expiresAt);
    return d.isNegative() ? Duration.ZERO : d;
  }
}
