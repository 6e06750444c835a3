package io.dynagate.connection;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** {@code GET …/status}: the connection's token state, never a token. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConnectionStatus(
    String state, Instant tokenExpiresAt, Instant lastRefreshAt, LastError lastError) {

  /** The identity provider's last error ({@code error}, {@code error_description}). */
  public record LastError(String error, String description) {}

  public static final String READY = "ready";
  public static final String AUTHORIZATION_REQUIRED = "authorization_required";
  public static final String REFRESH_FAILED = "refresh_failed";
}
