package io.dynagate.oauth;

import io.dynagate.crypto.DecryptionFailedException;
import io.dynagate.crypto.Secret;
import io.dynagate.crypto.SecretCipher;
import io.dynagate.crypto.SecretField;
import io.dynagate.fleet.RedisTimeout;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Single-use {@code state} values, kept in Redis for ten minutes with the (encrypted) PKCE
 * verifier. Taking a state deletes it atomically ({@code GETDEL}), so a replayed callback fails.
 */
@ApplicationScoped
class AuthorizationStates {
  static final Duration LIFETIME = Duration.ofMinutes(10);
  private static final Pattern STATE = Pattern.compile("[A-Za-z0-9_-]{43}");

  /** Who started a consent stored before the starter was kept (at most ten minutes at upgrade). */
  static final String UNKNOWN_STARTER = "(unknown)";

  private final ReactiveValueCommands<String, String> values;
  private final SecretCipher cipher;
  private final RedisTimeout timeout;

  AuthorizationStates(ReactiveRedisDataSource redis, SecretCipher cipher, RedisTimeout timeout) {
    this.values = redis.value(String.class);
    this.cipher = cipher;
    this.timeout = timeout;
  }

  private static String key(String state) {
    return "dynagate:oauth:state:" + state;
  }

  // value: <connection id>|<encrypted verifier>|<starter>; neither of the first two holds a '|',
  // so the starter (last, any characters) needs no escaping
  Uni<Void> remember(String state, PendingAuthorization pending) {
    String value =
        pending.connectionId()
            + "|"
            + cipher.encrypt(pending.verifier(), pending.connectionId(), SecretField.PKCE_VERIFIER)
            + "|"
            + pending.startedBy();
    return timeout.bound(values.set(key(state), value, new SetArgs().px(LIFETIME)));
  }

  /** The pending authorization of a state, once; empty for unknown, expired or used states. */
  Uni<Optional<PendingAuthorization>> take(String state) {
    if (state == null || !STATE.matcher(state).matches()) {
      return Uni.createFrom().item(Optional.empty());
    }
    return timeout
        .bound(values.getdel(key(state)))
        .map(
            stored -> {
              if (stored == null) {
                return Optional.empty();
              }
              String[] parts = stored.split("\\|", 3);
              String connectionId = parts[0];
              String starter = parts.length == 3 ? parts[2] : UNKNOWN_STARTER;
              try {
                Secret verifier = cipher.decrypt(parts[1], connectionId, SecretField.PKCE_VERIFIER);
                return Optional.of(new PendingAuthorization(connectionId, verifier, starter));
              } catch (DecryptionFailedException e) {
                return Optional.empty();
              }
            });
  }
}
