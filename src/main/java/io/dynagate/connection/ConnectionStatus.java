package io.dynagate.connection;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * {@code GET …/status}: the connection's state, never a token. {@code lastProbeAt} and {@code
 * lastProbe} are there once the health probe has run for the connection.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConnectionStatus(
    String state,
    Instant tokenExpiresAt,
    Instant lastRefreshAt,
    LastError lastError,
    Instant lastProbeAt,
    LastProbe lastProbe) {

  /** Without probe fields (what the registry and the token layer alone know). */
  public ConnectionStatus(
      String state, Instant tokenExpiresAt, Instant lastRefreshAt, LastError lastError) {
    this(state, tokenExpiresAt, lastRefreshAt, lastError, null, null);
  }

  /** The identity provider's last error ({@code error}, {@code error_description}). */
  public record LastError(String error, String description) {}

  /**
   * The last health probe ({@code WhoAmI}): {@code outcome} ok|rejected|throttled|error|no_token,
   * its {@code latencyMs}, the HTTP {@code status} Dataverse answered (absent when none came) and
   * the {@code consecutiveFailures} up to it.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LastProbe(
      String outcome, Long latencyMs, Integer status, Integer consecutiveFailures) {}

  public static final String READY = "ready";
  public static final String AUTHORIZATION_REQUIRED = "authorization_required";
  public static final String REFRESH_FAILED = "refresh_failed";

  /** The token is fine but Dataverse refuses the identity or does not answer (health probe). */
  public static final String UNHEALTHY = "unhealthy";
}
