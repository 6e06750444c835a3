package io.dynagate.token;

import io.dynagate.crypto.DecryptionFailedException;
import io.dynagate.crypto.Secret;
import io.dynagate.crypto.SecretCipher;
import io.dynagate.crypto.SecretField;
import io.dynagate.fleet.FleetEvents;
import io.dynagate.fleet.RedisKeys;
import io.dynagate.fleet.RedisTimeout;
import io.dynagate.observability.Metrics;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The two token tiers: process memory, then Redis ({@code dynagate:{<id>}:token}, encrypted, TTL =
 * remaining lifetime). Redis values are {@code expiresAtMillis|refreshAtMillis|ciphertext}; the
 * ciphertext is bound to the connection, so a value copied to another key fails to decrypt.
 *
 * <p>Process copies are dropped whenever the fleet subscription is made again: a {@code token-drop}
 * published while this replica was not listening (another replica found the token refused) would
 * otherwise keep a dead token in use here until Dataverse refuses it once more.
 */
@ApplicationScoped
public class TokenCache {
  private final Map<String, AccessToken> local = new ConcurrentHashMap<>();
  private final ReactiveValueCommands<String, String> values;
  private final SecretCipher cipher;
  private final Metrics metrics;
  private final RedisTimeout timeout;

  TokenCache(
      ReactiveRedisDataSource redis,
      SecretCipher cipher,
      Metrics metrics,
      RedisTimeout timeout,
      FleetEvents fleet) {
    this.values = redis.value(String.class);
    this.cipher = cipher;
    this.metrics = metrics;
    this.timeout = timeout;
    fleet.onSubscribed(local::clear);
  }

  static String key(String connectionId) {
    return RedisKeys.ofConnection(connectionId, "token");
  }

  /** The in-process token, if any (counts a local hit or miss). */
  public Optional<AccessToken> local(String connectionId, Instant now, Duration minRemaining) {
    AccessToken t = local.get(connectionId);
    boolean hit = t != null && t.usable(now, minRemaining);
    metrics.tokenCache("local", hit);
    return hit ? Optional.of(t) : Optional.empty();
  }

  /** The Redis token, if present and decryptable; a hit is copied into process memory. */
  public Uni<Optional<AccessToken>> shared(
      String connectionId, Instant now, Duration minRemaining) {
    return timeout
        .bound(values.get(key(connectionId)))
        .map(
            stored -> {
              Optional<AccessToken> t = decode(connectionId, stored);
              boolean hit = t.isPresent() && t.get().usable(now, minRemaining);
              metrics.tokenCache("redis", hit);
              if (hit) {
                local.put(connectionId, t.get());
                return t;
              }
              return Optional.<AccessToken>empty();
            });
  }

  /** Stores a fresh token in both tiers. */
  public Uni<Void> put(String connectionId, AccessToken token, Instant now) {
    local.put(connectionId, token);
    long ttl = token.remaining(now).toMillis();
    if (ttl <= 0) {
      return Uni.createFrom().voidItem();
    }
    String value =
        token.expiresAt().toEpochMilli()
            + "|"
            + token.refreshAt().toEpochMilli()
            + "|"
            + cipher.encrypt(token.value(), connectionId, SecretField.ACCESS_TOKEN);
    return timeout.bound(values.set(key(connectionId), value, new SetArgs().px(ttl)));
  }

  /** Keeps a token in process memory only (static tokens live in PostgreSQL already). */
  public void putLocal(String connectionId, AccessToken token) {
    local.put(connectionId, token);
  }

  /**
   * Drops the token only if it is the one given (Dataverse refused it), locally and in Redis, so a
   * newer token another request already stored survives.
   */
  public Uni<Void> dropIfSame(String connectionId, AccessToken used) {
    local.computeIfPresent(connectionId, (k, t) -> t.value().equals(used.value()) ? null : t);
    return timeout
        .bound(values.get(key(connectionId)))
        .chain(
            stored -> {
              Optional<AccessToken> t = decode(connectionId, stored);
              return t.isPresent() && t.get().value().equals(used.value())
                  ? timeout.bound(values.getdel(key(connectionId))).replaceWithVoid()
                  : Uni.createFrom().voidItem();
            });
  }

  /** Drops this replica's copy. */
  public void dropLocal(String connectionId) {
    local.remove(connectionId);
  }

  /** Drops both tiers (other replicas drop their copies on the fleet event). */
  public Uni<Void> drop(String connectionId) {
    local.remove(connectionId);
    return timeout.bound(values.getdel(key(connectionId))).replaceWithVoid();
  }

  private Optional<AccessToken> decode(String connectionId, String stored) {
    if (stored == null) {
      return Optional.empty();
    }
    String[] parts = stored.split("\\|", 3);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      Secret value = cipher.decrypt(parts[2], connectionId, SecretField.ACCESS_TOKEN);
      return Optional.of(
          new AccessToken(
              value,
              Instant.ofEpochMilli(Long.parseLong(parts[0])),
              Instant.ofEpochMilli(Long.parseLong(parts[1]))));
    } catch (DecryptionFailedException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}
