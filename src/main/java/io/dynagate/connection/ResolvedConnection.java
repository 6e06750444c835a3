package io.dynagate.connection;

import java.time.Instant;
import java.util.List;

/**
 * What the token layer and the proxy need to use a connection: effective settings with defaults
 * applied, no secrets.
 */
public record ResolvedConnection(
    String id,
    String orgUrl,
    AuthType type,
    String tenantId,
    String clientId,
    List<String> scopes,
    String tokenUrl,
    String authorizeUrl,
    Instant staticTokenExpiresAt,
    Instant updatedAt) {}
