package io.dynagate.connection;

import io.dynagate.crypto.SecretField;
import java.time.Instant;
import java.util.Set;

/** Derives a connection's state from what is stored (token-layer state joins in later). */
final class ConnectionStates {
  private ConnectionStates() {}

  static ConnectionStatus of(ConnectionEntity e, Set<SecretField> stored) {
    AuthType type = AuthType.fromWire(e.authType).orElseThrow();
    return switch (type) {
      case CLIENT_CREDENTIALS -> status(stored.contains(SecretField.CLIENT_SECRET), null);
      case AUTHORIZATION_CODE -> status(stored.contains(SecretField.REFRESH_TOKEN), null);
      case STATIC_TOKEN ->
          status(
              stored.contains(SecretField.STATIC_TOKEN)
                  && (e.staticTokenExpiresAt == null
                      || e.staticTokenExpiresAt.isAfter(Instant.now())),
              e.staticTokenExpiresAt);
    };
  }

  private static ConnectionStatus status(boolean ready, Instant expiresAt) {
    return new ConnectionStatus(
        ready ? ConnectionStatus.READY : ConnectionStatus.AUTHORIZATION_REQUIRED,
        expiresAt,
        null,
        null);
  }
}
