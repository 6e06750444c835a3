package io.dynagate.sandbox;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Access tokens the emulator issued, each with its expiry. Opaque random strings, not JWTs. */
final class TokenStore {

  /** One issued access token. */
  record IssuedToken(String value, String clientId, String scope, Instant expiresAt) {}

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, IssuedToken> tokens = new ConcurrentHashMap<>();

  IssuedToken issue(String clientId, String scope, Duration lifetime) {
    Instant now = Instant.now();
    tokens.values().removeIf(t -> !t.expiresAt().isAfter(now));
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String value = "sbx." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    IssuedToken token = new IssuedToken(value, clientId, scope, now.plus(lifetime));
    tokens.put(value, token);
    return token;
  }

  /** What a bearer token is worth right now. */
  TokenCheck check(String value) {
    IssuedToken token = value == null ? null : tokens.get(value);
    if (token == null) {
      return TokenCheck.UNKNOWN;
    }
    return token.expiresAt().isAfter(Instant.now()) ? TokenCheck.VALID : TokenCheck.EXPIRED;
  }

  void revokeAll() {
    tokens.clear();
  }

  /** Outcome of {@link #check(String)}. */
  enum TokenCheck {
    VALID,
    EXPIRED,
    UNKNOWN
  }
}
