package io.dynagate.grant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** Row of {@code grants}: what one principal may do with one connection. */
@Entity
@Table(name = "grants")
@IdClass(GrantEntity.Key.class)
public class GrantEntity extends PanacheEntityBase {
  @Id
  @Column(name = "connection_id")
  public String connectionId;

  @Id
  @Column(name = "principal")
  public String principal;

  @Column(name = "access")
  public String access;

  /** Space-separated entity set names; null = every entity set. */
  @Column(name = "entity_sets")
  public String entitySets;

  @Column(name = "impersonation")
  public boolean impersonation;

  /** Space-separated {@link Privilege} names; null = none. */
  @Column(name = "privileges")
  public String privileges;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "updated_at")
  public Instant updatedAt;

  /** Composite primary key. */
  public static class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    public String connectionId;
    public String principal;

    public Key() {}

    public Key(String connectionId, String principal) {
      this.connectionId = connectionId;
      this.principal = principal;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && Objects.equals(connectionId, k.connectionId)
          && Objects.equals(principal, k.principal);
    }

    @Override
    public int hashCode() {
      return Objects.hash(connectionId, principal);
    }
  }
}
