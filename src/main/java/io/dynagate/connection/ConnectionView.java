package io.dynagate.connection;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** A connection as the admin API shows it: effective settings, never a secret. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConnectionView(
    String id, String displayName, String orgUrl, Auth auth, Instant createdAt, Instant updatedAt) {

  /** The {@code auth} object, with {@code hasClientSecret} / {@code hasAccessToken} flags. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Auth(
      String type,
      String tenantId,
      String clientId,
      Boolean hasClientSecret,
      List<String> scopes,
      String tokenUrl,
      String authorizeUrl,
      Boolean hasAccessToken,
      Instant expiresAt) {}
}
