package io.dynagate.connection;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /admin/v1/encryption-keys}: the configured keys and how many stored secrets each one
 * encrypted. An old key may be removed once its count is 0.
 *
 * @param storedByKeyId rows of {@code connection_secrets} per key id: every configured key (0 when
 *     none), then any other key id found; rows without a well-formed key id count under {@value
 *     SecretRotationService#NO_KEY_ID}
 */
public record EncryptionKeyStatus(
    String primaryKeyId, List<String> configuredKeyIds, Map<String, Long> storedByKeyId) {}
