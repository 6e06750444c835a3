package io.dynagate.audit;

/** What an audit record describes (contract section 3, {@code action}). */
public enum AuditAction {
  CONNECTION_CREATE("connection.create"),
  CONNECTION_UPDATE("connection.update"),
  CONNECTION_DELETE("connection.delete"),
  /** A connection change that wrote or removed secret material (decided in README). */
  CREDENTIAL_REPLACE("credential.replace"),
  GRANT_PUT("grant.put"),
  GRANT_DELETE("grant.delete"),
  APIKEY_CREATE("apikey.create"),
  APIKEY_REVOKE("apikey.revoke"),
  CONSENT_COMPLETE("consent.complete"),
  TOKENS_DROP("tokens.drop"),
  KEYS_ROTATE("keys.rotate");

  private final String wire;

  AuditAction(String wire) {
    this.wire = wire;
  }

  /** The wire and column form, e.g. {@code grant.put}. */
  public String wire() {
    return wire;
  }
}
