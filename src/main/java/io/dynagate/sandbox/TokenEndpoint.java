package io.dynagate.sandbox;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@code POST /{tenant}/oauth2/v2.0/token}: the Microsoft identity platform v2.0 token endpoint.
 * One method per grant: {@code client_credentials} (confidential client), {@code
 * authorization_code} with PKCE S256 and {@code refresh_token} with rotation (public or
 * confidential client: the secret may be left out, but a secret given must be right).
 *
 * <p>A {@code refresh_token} grant is carried out at once and its answer held back by the {@code
 * refreshLatencyMs} knob, so a caller that dies while waiting has lost the new refresh token.
 */
final class TokenEndpoint {

  /** OpenID Connect scopes: granted on the side, never echoed in {@code scope}. */
  private static final Set<String> OIDC_SCOPES =
      Set.of("openid", "profile", "email", "offline_access");

  private final Vertx vertx;
  private final SandboxOptions options;
  private final TokenStore tokens;
  private final GrantStore grants;
  private final Knobs knobs;
  private final SandboxStats stats;

  TokenEndpoint(
      Vertx vertx,
      SandboxOptions options,
      TokenStore tokens,
      GrantStore grants,
      Knobs knobs,
      SandboxStats stats) {
    this.vertx = vertx;
    this.options = options;
    this.tokens = tokens;
    this.grants = grants;
    this.knobs = knobs;
    this.stats = stats;
  }

  /** An answer: status and JSON body. */
  private record Reply(int status, JsonObject body) {
    static Reply of(EntraError error) {
      return new Reply(error.status(), error.toJson());
    }
  }

  void handle(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    String grantType = form.get("grant_type");
    stats.countTokenRequest(grantType == null || grantType.isBlank() ? "none" : grantType);
    if ("refresh_token".equals(grantType)) {
      stats.countRefreshTokenRedemption(form.get("refresh_token"));
    }
    long latency = knobs.tokenLatencyMs();
    if (latency > 0) {
      vertx.setTimer(latency, id -> respond(ctx, form, grantType));
    } else {
      respond(ctx, form, grantType);
    }
  }

  private void respond(RoutingContext ctx, MultiMap form, String grantType) {
    Reply reply = reply(ctx, form, grantType);
    long delay = "refresh_token".equals(grantType) ? knobs.refreshLatencyMs() : 0;
    if (delay > 0) {
      vertx.setTimer(delay, id -> send(ctx, reply));
    } else {
      send(ctx, reply);
    }
  }

  private Reply reply(RoutingContext ctx, MultiMap form, String grantType) {
    Optional<Integer> forcedFailure = knobs.takeTokenFailure();
    if (forcedFailure.isPresent()) {
      return Reply.of(EntraError.temporarilyUnavailable(forcedFailure.get()));
    }
    if (grantType == null || grantType.isBlank()) {
      return Reply.of(EntraError.invalidRequest("grant_type"));
    }
    boolean userGrant = grantType.equals("authorization_code") || grantType.equals("refresh_token");
    if (userGrant && knobs.takeInvalidGrant()) {
      return Reply.of(EntraError.expiredGrant());
    }
    ClientCredentials client = ClientCredentials.of(ctx.request().headers(), form);
    return switch (grantType) {
      case "client_credentials" -> clientCredentials(client, form);
      case "authorization_code" -> authorizationCode(client, form);
      case "refresh_token" -> refreshToken(client, form);
      default -> Reply.of(EntraError.unsupportedGrantType(grantType));
    };
  }

  private Reply clientCredentials(ClientCredentials client, MultiMap form) {
    if (client.id() == null) {
      return Reply.of(EntraError.invalidRequest("client_id"));
    }
    String scope = form.get("scope");
    if (scope == null || scope.isBlank()) {
      return Reply.of(
          EntraError.invalidScope(
              "The provided value for the input parameter 'scope' is not valid. The scope is"
                  + " missing."));
    }
    if (!scope.trim().endsWith("/.default") || scope.trim().contains(" ")) {
      return Reply.of(
          EntraError.invalidScope(
              "The provided value for the input parameter 'scope' is not valid. The scope "
                  + scope
                  + " is not valid. Client credential flows must have a scope value with"
                  + " /.default suffixed to the resource identifier (application ID URI)."));
    }
    Optional<EntraError> authFailure = authenticate(client);
    if (authFailure.isPresent()) {
      return Reply.of(authFailure.get());
    }
    return new Reply(200, tokenResponse(client.id(), scope.trim(), null));
  }

  private Reply authorizationCode(ClientCredentials client, MultiMap form) {
    Optional<EntraError> failure = authenticateUserGrant(client);
    if (failure.isPresent()) {
      return Reply.of(failure.get());
    }
    String code = form.get("code");
    if (code == null || code.isBlank()) {
      return Reply.of(EntraError.invalidRequest("code"));
    }
    String redirectUri = form.get("redirect_uri");
    if (redirectUri == null || redirectUri.isBlank()) {
      return Reply.of(EntraError.invalidRequest("redirect_uri"));
    }
    String verifier = form.get("code_verifier");
    GrantStore.CodeRedemption redemption =
        grants.redeemCode(
            code,
            c -> {
              if (!c.clientId().equals(client.id())) {
                return EntraError.issuedToAnotherClient("authorization code");
              }
              if (!c.redirectUri().equals(redirectUri)) {
                return EntraError.redirectUriMismatch(redirectUri, c.redirectUri());
              }
              if (verifier == null || !verifierMatches(verifier, c.codeChallenge())) {
                return EntraError.pkceMismatch();
              }
              return null;
            });
    if (redemption instanceof GrantStore.CodeRedemption.Redeemed redeemed) {
      String scope = redeemed.code().scope();
      return new Reply(
          200, tokenResponse(client.id(), scope, grants.issueRefreshToken(client.id(), scope)));
    }
    if (redemption instanceof GrantStore.CodeRedemption.Refused refused) {
      return Reply.of(refused.error());
    }
    return Reply.of(
        redemption == GrantStore.CodeRedemption.Failure.ALREADY_REDEEMED
            ? EntraError.codeAlreadyRedeemed()
            : EntraError.expiredGrant());
  }

  private Reply refreshToken(ClientCredentials client, MultiMap form) {
    Optional<EntraError> failure = authenticateUserGrant(client);
    if (failure.isPresent()) {
      return Reply.of(failure.get());
    }
    String refreshToken = form.get("refresh_token");
    if (refreshToken == null || refreshToken.isBlank()) {
      return Reply.of(EntraError.invalidRequest("refresh_token"));
    }
    GrantStore.RefreshGrant grant = grants.validRefreshToken(refreshToken);
    if (grant == null) {
      return Reply.of(EntraError.expiredGrant());
    }
    if (!grant.clientId().equals(client.id())) {
      return Reply.of(EntraError.issuedToAnotherClient("refresh token"));
    }
    String next = grants.rotate(refreshToken, knobs.oldRefreshTokenInvalidAfterUse());
    if (next == null) {
      return Reply.of(EntraError.expiredGrant());
    }
    String requested = form.get("scope");
    String scope = requested == null || requested.isBlank() ? grant.scope() : requested;
    return new Reply(200, tokenResponse(client.id(), scope, next));
  }

  /** The success body; {@code refreshToken} and {@code scope} only for user grants. */
  private JsonObject tokenResponse(String clientId, String scope, String refreshToken) {
    Duration lifetime = knobs.tokenLifetime(options.tokenLifetime());
    String granted = refreshToken == null ? scope.trim() : resourceScopes(scope);
    TokenStore.IssuedToken token = tokens.issue(clientId, granted, lifetime);
    JsonObject body = new JsonObject().put("token_type", "Bearer");
    if (refreshToken != null) {
      body.put("scope", granted);
    }
    body.put("expires_in", lifetime.toSeconds())
        .put("ext_expires_in", lifetime.toSeconds())
        .put("access_token", token.value());
    if (refreshToken != null) {
      body.put("refresh_token", refreshToken);
    }
    knobs
        .refreshIn(options.refreshIn())
        .ifPresent(r -> body.put("refresh_in", Math.min(r.toSeconds(), lifetime.toSeconds())));
    return body;
  }

  /** {@code scope} without the OpenID Connect scopes (unchanged if nothing else is left). */
  static String resourceScopes(String scope) {
    String resources =
        Arrays.stream(scope.trim().split("\\s+"))
            .filter(s -> !OIDC_SCOPES.contains(s))
            .collect(Collectors.joining(" "));
    return resources.isEmpty() ? scope.trim() : resources;
  }

  static boolean verifierMatches(String verifier, String challenge) {
    return MessageDigest.isEqual(
        GrantStore.s256(verifier).getBytes(StandardCharsets.US_ASCII),
        challenge.getBytes(StandardCharsets.US_ASCII));
  }

  private Optional<EntraError> authenticate(ClientCredentials client) {
    if (client.secret() == null) {
      return Optional.of(EntraError.missingClientSecret());
    }
    // Entra tells unknown applications apart (AADSTS700016); the sandbox knows one client only.
    if (!client.id().equals(options.clientId())
        || !client.secret().equals(options.clientSecret())) {
      return Optional.of(EntraError.invalidClientSecret(client.id()));
    }
    return Optional.empty();
  }

  /** Public clients send no secret; a secret sent (not blank) must be right. */
  private Optional<EntraError> authenticateUserGrant(ClientCredentials client) {
    if (client.id() == null) {
      return Optional.of(EntraError.invalidRequest("client_id"));
    }
    if (!client.id().equals(options.clientId())) {
      return Optional.of(EntraError.unknownClient(client.id()));
    }
    if (client.secret() != null
        && !client.secret().isEmpty()
        && !client.secret().equals(options.clientSecret())) {
      return Optional.of(EntraError.invalidClientSecret(client.id()));
    }
    return Optional.empty();
  }

  private static void send(RoutingContext ctx, Reply reply) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return; // the caller went away while the answer was held back
    }
    ctx.response()
        .setStatusCode(reply.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store, no-cache")
        .putHeader("Pragma", "no-cache")
        .putHeader("x-ms-request-id", UUID.randomUUID().toString())
        .end(reply.body().encode());
  }

  /** Client id and secret from HTTP Basic (preferred when present) or the form. */
  record ClientCredentials(String id, String secret) {

    static ClientCredentials of(MultiMap headers, MultiMap form) {
      String authorization = headers.get(HttpHeaders.AUTHORIZATION);
      if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
        Optional<ClientCredentials> basic = basic(authorization.substring(6).trim());
        if (basic.isPresent()) {
          return basic.get();
        }
      }
      return new ClientCredentials(blankToNull(form.get("client_id")), form.get("client_secret"));
    }

    private static Optional<ClientCredentials> basic(String encoded) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return Optional.empty();
      }
      // RFC 6749 2.3.1: both parts are form-url-encoded before Basic encoding.
      return Optional.of(
          new ClientCredentials(
              blankToNull(formDecode(decoded.substring(0, colon))),
              formDecode(decoded.substring(colon + 1))));
    }

    private static String formDecode(String s) {
      try {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return s;
      }
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s;
    }
  }
}
