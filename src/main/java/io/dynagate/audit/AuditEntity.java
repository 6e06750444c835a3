package io.dynagate.audit;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.ColumnTransformer;

/** Row of {@code audit_events}; written once, never updated. */
@Entity
@Table(name = "audit_events")
public class AuditEntity extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "at", updatable = false)
  public Instant at;

  @Column(name = "principal", updatable = false)
  public String principal;

  /** {@link AuditAction#wire()}. */
  @Column(name = "action", updatable = false)
  public String action;

  @Column(name = "target", updatable = false)
  public String target;

  @Column(name = "request_id", updatable = false)
  public String requestId;

  /** The diff as JSON text; a jsonb column, so operators can query it in SQL. */
  @Column(name = "changes", updatable = false)
  @ColumnTransformer(read = "changes::text", write = "cast(cast(? as text) as jsonb)")
  public String changes;
}
