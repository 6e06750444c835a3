package io.dynagate.connection;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.dynagate.crypto.Secret;
import java.time.Instant;
import java.util.List;

/**
 * A connection as the admin API receives it (create, or the result of a merge patch). Optional
 * fields are null when absent; defaults are applied when the connection is used, not stored.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConnectionSpec(String id, String displayName, String orgUrl, Auth auth) {

  /** The {@code auth} object. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Auth(
      String type,
      String tenantId,
      String clientId,
      Secret clientSecret,
      List<String> scopes,
      String tokenUrl,
      String authorizeUrl,
      Secret accessToken,
      Instant expiresAt) {}
}
