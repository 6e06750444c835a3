package io.dynagate.apikey;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** Row of {@code api_keys}: the SHA-256 of the key, never the key. */
@Entity
@Table(name = "api_keys")
public class ApiKeyEntity extends PanacheEntityBase {
  @Id public String id;

  @Column(name = "principal")
  public String principal;

  /** Space-separated roles. */
  @Column(name = "roles")
  public String roles;

  /** Lower-case hex SHA-256 of the whole key. */
  @Column(name = "key_hash")
  public String keyHash;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "revoked_at")
  public Instant revokedAt;

  /** {@link ApiKeyService#ORIGIN_ADMIN} or {@link ApiKeyService#ORIGIN_PROVISIONING}. */
  @Column(name = "origin")
  public String origin = ApiKeyService.ORIGIN_ADMIN;
}
