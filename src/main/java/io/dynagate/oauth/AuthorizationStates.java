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

  Uni<Void> remember(String state, PendingAuthorization pending) {
    String value =
        pending.connectionId()
            + "|"
            + cipher.encrypt(pending.verifier(), pending.connectionId(), SecretField.PKCE_VERIFIER);
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
              int bar = stored.indexOf('|');
              String connectionId = stored.substring(0, bar);
              try {
                Secret verifier =
                    cipher.decrypt(
                        stored.substring(bar + 1), connectionId, SecretField.PKCE_VERIFIER);
                return Optional.of(new PendingAuthorization(connectionId, verifier));
              } catch (DecryptionFailedException e) {
                return Optional.empty();
              }
            });
  }
}
