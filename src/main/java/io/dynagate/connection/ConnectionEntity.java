package io.dynagate.connection;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** Row of {@code connections}: everything about a connection except its secrets. */
@Entity
@Table(name = "connections")
public class ConnectionEntity extends PanacheEntityBase {
  @Id public String id;

  @Column(name = "display_name")
  public String displayName;

  @Column(name = "org_url")
  public String orgUrl;

  @Column(name = "auth_type")
  public String authType;

  @Column(name = "tenant_id")
  public String tenantId;

  @Column(name = "client_id")
  public String clientId;

  /** Space-separated, as OAuth sends them; null = the default for the auth type. */
  @Column(name = "scopes")
  public String scopes;

  @Column(name = "token_url")
  public String tokenUrl;

  @Column(name = "authorize_url")
  public String authorizeUrl;

  @Column(name = "static_token_expires_at")
  public Instant staticTokenExpiresAt;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "updated_at")
  public Instant updatedAt;
}
