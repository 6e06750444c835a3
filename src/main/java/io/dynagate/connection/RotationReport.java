package io.dynagate.connection;

import java.util.List;
import java.util.Map;

/**
 * {@code POST /admin/v1/encryption-keys/rotate}: what one re-encryption run did.
 *
 * @param reEncrypted rows now encrypted with the primary key by this run
 * @param alreadyCurrent rows that were under the primary key when the run started
 * @param skippedConcurrent rows written by someone else (a refresh, a patch) while the run read
 *     them; their new value is already under the primary key, so they were left alone
 * @param failed rows that decrypt with no configured key; they stay as they are
 * @param failures which rows failed (at most {@value SecretRotationService#MAX_FAILURES_LISTED}),
 *     never their value
 * @param remainingByKeyId rows still under a key other than the primary, per key id, after the run
 */
public record RotationReport(
    String primaryKeyId,
    long reEncrypted,
    long alreadyCurrent,
    long skippedConcurrent,
    long failed,
    List<Failure> failures,
    Map<String, Long> remainingByKeyId) {

  /**
   * A row that could not be re-encrypted.
   *
   * @param reason {@code unknown_key_id} (its key is not configured) or {@code decryption_failed}
   *     (wrong key, tampered or moved value)
   */
  public record Failure(String connectionId, String field, String reason) {}
}
