package io.dynagate.connection;

import java.util.Optional;

/** How a connection obtains its access token. */
public enum AuthType {
  CLIENT_CREDENTIALS("client_credentials"),
  AUTHORIZATION_CODE("authorization_code"),
  STATIC_TOKEN("static_token");

  private final String wire;

  AuthType(String wire) {
    this.wire = wire;
  }

  /** The JSON and database form. */
  public String wire() {
    return wire;
  }

  public static Optional<AuthType> fromWire(String value) {
    for (AuthType t : values()) {
      if (t.wire.equals(value)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
