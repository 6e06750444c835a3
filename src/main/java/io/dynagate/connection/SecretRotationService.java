package io.dynagate.connection;

import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.dynagate.audit.Actor;
import io.dynagate.audit.AuditAction;
import io.dynagate.audit.AuditEntity;
import io.dynagate.audit.AuditTrail;
import io.dynagate.audit.Audited;
import io.dynagate.audit.Changes;
import io.dynagate.audit.Targets;
import io.dynagate.crypto.DecryptionFailedException;
import io.dynagate.crypto.EncryptionKeyRing;
import io.dynagate.crypto.Secret;
import io.dynagate.crypto.SecretCipher;
import io.dynagate.crypto.SecretField;
import io.dynagate.store.StoreHealth;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Key rotation for {@code connection_secrets}: re-encrypts every stored secret that an older key
 * made with the primary key, so the older key can then be removed from {@code
 * DYNAGATE_ENCRYPTION_KEYS}. Access tokens in Redis are not touched: they expire and are
 * re-encrypted on refresh.
 */
@ApplicationScoped
public class SecretRotationService {
  /** Rows per transaction, so a large table never holds one long transaction. */
  static final int BATCH_SIZE = 100;

  /** Failures listed in a report (all are counted). */
  static final int MAX_FAILURES_LISTED = 100;

  /** Where rows without a well-formed key id are counted. */
  static final String NO_KEY_ID = "(none)";

  private static final Logger LOG = Logger.getLogger(SecretRotationService.class);

  private final ConnectionSecretRepository secrets;
  private final EncryptionKeyRing ring;
  private final SecretCipher cipher;
  private final StoreHealth store;
  private final AuditTrail audit;

  SecretRotationService(
      ConnectionSecretRepository secrets,
      EncryptionKeyRing ring,
      SecretCipher cipher,
      StoreHealth store,
      AuditTrail audit) {
    this.secrets = secrets;
    this.ring = ring;
    this.cipher = cipher;
    this.store = store;
    this.audit = audit;
  }

  /** What is stored under which key. */
  public Uni<EncryptionKeyStatus> status() {
    // Programmatic sessions here and below: rotate() calls this itself, and its batches each need
    // a transaction of their own, which interceptor annotations cannot give a self-call.
    return store.bound(
        Panache.withSession(
            () ->
                secrets
                    .countByKeyIdPrefix()
                    .map(
                        counts ->
                            new EncryptionKeyStatus(
                                ring.primaryKid(), ring.kids(), perKeyId(counts)))));
  }

  /**
   * Re-encrypts, batch by batch, every row not under the primary key. A row that fails to decrypt
   * is counted and listed and the run goes on; a row written concurrently is left to its writer.
   * One {@code keys.rotate} audit record per run, with its counts, is written in the transaction of
   * the last batch: a run cut short leaves none (its committed batches changed only which key
   * encrypts a value, never a value; the next run records).
   */
  public Uni<RotationReport> rotate(Actor actor) {
    Run run = new Run();
    return status()
        .invoke(before -> run.alreadyCurrent = before.storedByKeyId().get(ring.primaryKid()))
        .chain(() -> batchesFrom("", "", run, actor))
        .invoke(audit::committed) // after the last batch's commit
        .chain(() -> status())
        .map(after -> report(run, after));
  }

  // each batch is one store call, bounded like every other; the run as a whole is not
  // the last batch (fewer rows than a full one) also appends the run's audit row and returns it
  private Uni<AuditEntity> batchesFrom(
      String afterConnectionId, String afterField, Run run, Actor actor) {
    return store
        .bound(
            Panache.withTransaction(
                () ->
                    secrets
                        .notUnderKeyAfter(
                            ring.primaryKid(), afterConnectionId, afterField, BATCH_SIZE)
                        .call(rows -> reEncryptAll(rows, run))
                        .chain(
                            rows ->
                                rows.size() < BATCH_SIZE ? last(rows, run, actor) : more(rows))))
        .chain(
            batch -> {
              if (batch.audit() != null) {
                return Uni.createFrom().item(batch.audit());
              }
              ConnectionSecretEntity last = batch.rows().get(batch.rows().size() - 1);
              return batchesFrom(last.connectionId, last.field, run, actor);
            });
  }

  private Uni<Batch> last(List<ConnectionSecretEntity> rows, Run run, Actor actor) {
    return audit.append(actor, audited(run)).map(row -> new Batch(rows, row));
  }

  private static Uni<Batch> more(List<ConnectionSecretEntity> rows) {
    return Uni.createFrom().item(new Batch(rows, null));
  }

  /** One batch's rows; the audit row only in the last batch. */
  private record Batch(List<ConnectionSecretEntity> rows, AuditEntity audit) {}

  private Audited<Void> audited(Run run) {
    Changes counts =
        Changes.none()
            .to("primaryKeyId", TextNode.valueOf(ring.primaryKid()))
            .to("reEncrypted", LongNode.valueOf(run.reEncrypted))
            .to("alreadyCurrent", LongNode.valueOf(run.alreadyCurrent))
            .to("skippedConcurrent", LongNode.valueOf(run.skippedConcurrent))
            .to("failed", LongNode.valueOf(run.failed));
    return Audited.of(null, AuditAction.KEYS_ROTATE, Targets.ENCRYPTION_KEYS, counts);
  }

  private Uni<Void> reEncryptAll(List<ConnectionSecretEntity> rows, Run run) {
    Uni<Void> chain = Uni.createFrom().voidItem();
    for (ConnectionSecretEntity row : rows) {
      chain =
          chain.chain(
              () -> reEncrypt(row).invoke(outcome -> run.count(row, outcome)).replaceWithVoid());
    }
    return chain.replaceWithVoid();
  }

  /** Re-encrypts one row as it was read (unless it changed since); must run in a transaction. */
  Uni<Outcome> reEncrypt(ConnectionSecretEntity row) {
    Secret plain;
    try {
      plain = cipher.decrypt(row.ciphertext, row.connectionId, SecretField.fromColumn(row.field));
    } catch (DecryptionFailedException e) {
      boolean known = ring.kids().contains(SecretCipher.kidOf(row.ciphertext));
      return Uni.createFrom().item(known ? Outcome.DECRYPTION_FAILED : Outcome.UNKNOWN_KEY_ID);
    }
    String fresh = cipher.encrypt(plain, row.connectionId, SecretField.fromColumn(row.field));
    return secrets
        .replaceCiphertext(
            new ConnectionSecretEntity.Key(row.connectionId, row.field),
            row.version,
            row.ciphertext,
            fresh,
            Instant.now().truncatedTo(ChronoUnit.MICROS))
        .map(written -> written ? Outcome.RE_ENCRYPTED : Outcome.SKIPPED_CONCURRENT);
  }

  private RotationReport report(Run run, EncryptionKeyStatus after) {
    Map<String, Long> remaining = new LinkedHashMap<>(after.storedByKeyId());
    remaining.remove(ring.primaryKid());
    LOG.infof(
        "re-encryption with key %s: %d re-encrypted, %d already current, %d skipped"
            + " (written concurrently), %d failed",
        ring.primaryKid(), run.reEncrypted, run.alreadyCurrent, run.skippedConcurrent, run.failed);
    return new RotationReport(
        ring.primaryKid(),
        run.reEncrypted,
        run.alreadyCurrent,
        run.skippedConcurrent,
        run.failed,
        List.copyOf(run.failures),
        remaining);
  }

  /** Configured keys first (0 when unused), then other key ids found, sorted. */
  private Map<String, Long> perKeyId(Map<String, Long> byPrefix) {
    Map<String, Long> result = new LinkedHashMap<>();
    ring.kids().forEach(kid -> result.put(kid, 0L));
    Map<String, Long> others = new TreeMap<>();
    byPrefix.forEach(
        (prefix, n) -> {
          String kid = EncryptionKeyRing.isKeyId(prefix) ? prefix : NO_KEY_ID;
          (result.containsKey(kid) ? result : others).merge(kid, n, Long::sum);
        });
    result.putAll(others);
    return result;
  }

  /** What happened to one row. */
  enum Outcome {
    RE_ENCRYPTED,
    SKIPPED_CONCURRENT,
    UNKNOWN_KEY_ID,
    DECRYPTION_FAILED
  }

  /** Tally of one run; touched only by its own sequential chain. */
  private static final class Run {
    long reEncrypted;
    long alreadyCurrent;
    long skippedConcurrent;
    long failed;
    final List<RotationReport.Failure> failures = new ArrayList<>();

    void count(ConnectionSecretEntity row, Outcome outcome) {
      switch (outcome) {
        case RE_ENCRYPTED -> reEncrypted++;
        case SKIPPED_CONCURRENT -> skippedConcurrent++;
        case UNKNOWN_KEY_ID, DECRYPTION_FAILED -> {
          failed++;
          String reason =
              outcome == Outcome.UNKNOWN_KEY_ID ? "unknown_key_id" : "decryption_failed";
          LOG.warnf(
              "stored %s of connection %s not re-encrypted: %s",
              row.field, row.connectionId, reason);
          if (failures.size() < MAX_FAILURES_LISTED) {
            failures.add(new RotationReport.Failure(row.connectionId, row.field, reason));
          }
        }
      }
    }
  }
}
