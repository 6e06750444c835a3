package io.dynagate.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Writes audit records. {@link #transaction} is the one way a service makes an audited change: the
 * change and its record commit or roll back together, and the log line follows the commit (a
 * rolled-back change is never logged as done).
 */
@ApplicationScoped
public class AuditTrail {
  /** Logger of the audit lines (INFO), one per committed record. */
  public static final String LOGGER = "io.dynagate.audit";

  private static final Logger LOG = Logger.getLogger(LOGGER);

  private final AuditRepository rows;
  private final ObjectMapper json;
  private final Clock clock;

  AuditTrail(AuditRepository rows, ObjectMapper json, Clock clock) {
    this.rows = rows;
    this.json = json;
    this.clock = clock;
  }

  /**
   * Runs {@code change} in a new transaction and appends its record in that same transaction; logs
   * the record once the transaction committed. Must not be called inside an open transaction (it
   * would join it and log before the outer commit).
   */
  public <T> Uni<T> transaction(Actor actor, Supplier<Uni<Audited<T>>> change) {
    return Panache.withTransaction(
            () ->
                change
                    .get()
                    .chain(
                        done ->
                            done.action() == null
                                ? Uni.createFrom().item(new Committed<>(done, null))
                                : append(actor, done).map(row -> new Committed<>(done, row))))
        .invoke(
            c -> {
              if (c.row() != null) {
                committed(c.row());
              }
            })
        .map(c -> c.done().result());
  }

  /**
   * Appends a record inside the caller's open transaction. The caller logs it with {@link
   * #committed} after its commit; prefer {@link #transaction}.
   */
  public Uni<AuditEntity> append(Actor actor, Audited<?> done) {
    AuditEntity row = new AuditEntity();
    row.at = clock.instant().truncatedTo(ChronoUnit.MICROS);
    row.principal = actor.principal();
    row.requestId = actor.requestId();
    row.action = done.action().wire();
    row.target = done.target();
    row.changes = done.changes().json().toString();
    return rows.persist(row);
  }

  /** The structured log line of a committed record: the same fields as the row. */
  public void committed(AuditEntity row) {
    LOG.infof(
        "audit action=%s target=%s principal=%s requestId=%s at=%s changes=%s",
        row.action, row.target, row.principal, row.requestId, row.at, row.changes);
  }

  /** The non-secret view of an object as a JSON tree, for {@link Changes}. */
  public JsonNode tree(Object view) {
    return view == null ? null : json.valueToTree(view);
  }

  /** {@link Changes#between} of two views (null = absent). */
  public Changes diff(Object before, Object after) {
    return Changes.between(tree(before), tree(after));
  }

  private record Committed<T>(Audited<T> done, AuditEntity row) {}
}
