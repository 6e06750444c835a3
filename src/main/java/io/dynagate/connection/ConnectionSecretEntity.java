package io.dynagate.connection;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** Row of {@code connection_secrets}: one encrypted secret of a connection. */
@Entity
@Table(name = "connection_secrets")
@IdClass(ConnectionSecretEntity.Key.class)
public class ConnectionSecretEntity extends PanacheEntityBase {
  @Id
  @Column(name = "connection_id")
  public String connectionId;

  /** {@link io.dynagate.crypto.SecretField#column()}. */
  @Id
  @Column(name = "field")
  public String field;

  /** {@code kid:base64(nonce ‖ ciphertext ‖ tag)}. */
  @Column(name = "ciphertext", columnDefinition = "text")
  public String ciphertext;

  /** Bumped on every write, for compare-and-set updates of rotating refresh tokens. */
  @Column(name = "version")
  public long version;

  @Column(name = "updated_at")
  public Instant updatedAt;

  /** Composite primary key. */
  public static class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    public String connectionId;
    public String field;

    public Key() {}

    public Key(String connectionId, String field) {
      this.connectionId = connectionId;
      this.field = field;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && Objects.equals(connectionId, k.connectionId)
          && Objects.equals(field, k.field);
    }

    @Override
    public int hashCode() {
      return Objects.hash(connectionId, field);
    }
  }
}
