package io.dynagate.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Authorization codes (single use, ten minutes) and refresh tokens (rotated on every use, 90 days)
 * the emulator issued. Opaque random strings. Guarded by {@code synchronized}: a few entries, short
 * sections.
 */
final class GrantStore {

  /** How long an authorization code can be redeemed. */
  static final Duration CODE_LIFETIME = Duration.ofMinutes(10);

  /** How long an unused refresh token stays valid (Entra: 90 days). */
  static final Duration REFRESH_TOKEN_LIFETIME = Duration.ofDays(90);

  /** What the authorize endpoint granted, to be checked when the code is redeemed. */
  record AuthorizationCode(
      String clientId,
      String redirectUri,
      String scope,
      String codeChallenge,
      Instant expiresAt,
      boolean redeemed) {}

  /** What a refresh token stands for. */
  record RefreshGrant(String clientId, String scope, Instant expiresAt, boolean revoked) {}

  /** Outcome of {@link #redeemCode}. */
  sealed interface CodeRedemption {
    /** Unknown, expired or already redeemed: one of these. */
    enum Failure implements CodeRedemption {
      UNKNOWN,
      EXPIRED,
      ALREADY_REDEEMED
    }

    /** A {@link CodeCheck} refused the code; it stays redeemable. */
    record Refused(EntraError error) implements CodeRedemption {}

    /** The code was valid; it is now redeemed. */
    record Redeemed(AuthorizationCode code) implements CodeRedemption {}
  }

  /** A check on a code before it is redeemed (PKCE, redirect URI, client). */
  interface CodeCheck {
    /** {@code null} to redeem the code, else an error (the code stays redeemable). */
    EntraError check(AuthorizationCode code);
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, AuthorizationCode> codes = new HashMap<>();
  private final Map<String, RefreshGrant> refreshTokens = new HashMap<>();
  private volatile Supplier<Instant> clock = Instant::now;

  /** Tests move time forward with this. */
  void clock(Supplier<Instant> clock) {
    this.clock = clock;
  }

  Instant now() {
    return clock.get();
  }

  synchronized String issueCode(
      String clientId, String redirectUri, String scope, String codeChallenge) {
    Instant now = now();
    codes.values().removeIf(c -> !c.expiresAt().isAfter(now));
    String value = "sbx-code." + random(32);
    codes.put(
        value,
        new AuthorizationCode(
            clientId, redirectUri, scope, codeChallenge, now.plus(CODE_LIFETIME), false));
    return value;
  }

  /**
   * Redeems {@code value} when it is known, unexpired, not redeemed yet and {@code check} passes.
   *
   * @return what happened
   */
  synchronized CodeRedemption redeemCode(String value, CodeCheck check) {
    AuthorizationCode code = value == null ? null : codes.get(value);
    if (code == null) {
      return CodeRedemption.Failure.UNKNOWN;
    }
    if (code.redeemed()) {
      return CodeRedemption.Failure.ALREADY_REDEEMED;
    }
    if (!code.expiresAt().isAfter(now())) {
      return CodeRedemption.Failure.EXPIRED;
    }
    EntraError error = check.check(code);
    if (error != null) {
      return new CodeRedemption.Refused(error);
    }
    AuthorizationCode redeemed =
        new AuthorizationCode(
            code.clientId(),
            code.redirectUri(),
            code.scope(),
            code.codeChallenge(),
            code.expiresAt(),
            true);
    codes.put(value, redeemed);
    return new CodeRedemption.Redeemed(redeemed);
  }

  synchronized String issueRefreshToken(String clientId, String scope) {
    Instant now = now();
    refreshTokens.values().removeIf(g -> !g.expiresAt().isAfter(now));
    String value = "sbx-rt." + random(48);
    refreshTokens.put(
        value, new RefreshGrant(clientId, scope, now.plus(REFRESH_TOKEN_LIFETIME), false));
    return value;
  }

  /** The grant behind a refresh token when it is known, unexpired and not revoked. */
  synchronized RefreshGrant validRefreshToken(String value) {
    RefreshGrant grant = value == null ? null : refreshTokens.get(value);
    if (grant == null || grant.revoked() || !grant.expiresAt().isAfter(now())) {
      return null;
    }
    return grant;
  }

  /**
   * Replaces a valid refresh token by a new one for the same grant; the old one stays valid unless
   * {@code revokeOld}.
   *
   * @return the new token, or {@code null} when {@code old} is not valid (any more)
   */
  synchronized String rotate(String old, boolean revokeOld) {
    RefreshGrant grant = validRefreshToken(old);
    if (grant == null) {
      return null;
    }
    if (revokeOld) {
      refreshTokens.put(
          old, new RefreshGrant(grant.clientId(), grant.scope(), grant.expiresAt(), true));
    }
    return issueRefreshToken(grant.clientId(), grant.scope());
  }

  /** Every refresh token issued so far stops working. */
  synchronized void revokeRefreshTokens() {
    refreshTokens.replaceAll(
        (k, g) -> new RefreshGrant(g.clientId(), g.scope(), g.expiresAt(), true));
  }

  /** Forgets every code and refresh token. */
  synchronized void clear() {
    codes.clear();
    refreshTokens.clear();
  }

  /** {@code BASE64URL(SHA-256(ASCII(verifier)))}, RFC 7636 4.6. */
  static String s256(String verifier) {
    return base64Url(sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
  }

  /** {@code BASE64URL(SHA-256(UTF-8(value)))}: a key that does not reveal {@code value}. */
  static String s256Digest(String value) {
    return base64Url(sha256(value.getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return base64Url(b);
  }
}
