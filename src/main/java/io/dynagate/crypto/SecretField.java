package io.dynagate.crypto;

/** The kinds of secret stored per connection; part of each ciphertext's associated data. */
public enum SecretField {
  CLIENT_SECRET("client_secret"),
  STATIC_TOKEN("static_token"),
  REFRESH_TOKEN("refresh_token"),
  /** Access tokens cached in Redis (never in PostgreSQL). */
  ACCESS_TOKEN("access_token"),
  /** PKCE verifiers of pending consents, in Redis for ten minutes. */
  PKCE_VERIFIER("pkce_verifier");

  private final String column;

  SecretField(String column) {
    this.column = column;
  }

  /** The value stored in the {@code field} column of {@code connection_secrets}. */
  public String column() {
    return column;
  }

  public static SecretField fromColumn(String column) {
    for (SecretField f : values()) {
      if (f.column.equals(column)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown secret field");
  }
}
