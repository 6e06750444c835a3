package io.dynagate.connection;

import io.dynagate.crypto.Secret;
import io.dynagate.crypto.SecretField;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A connection that passed validation, normalised, with the secret changes it implies.
 *
 * @param secretsToWrite secrets given in the request, to encrypt and store
 * @param secretsToDrop stored secrets no longer used (explicitly removed or other auth type)
 */
public record ValidConnection(
    String id,
    String displayName,
    String orgUrl,
    AuthType type,
    String tenantId,
    String clientId,
    List<String> scopes,
    String tokenUrl,
    String authorizeUrl,
    Instant staticTokenExpiresAt,
    Map<SecretField, Secret> secretsToWrite,
    Set<SecretField> secretsToDrop) {}
