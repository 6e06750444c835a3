package io.dynagate.sandbox;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /{tenant}/oauth2/v2.0/token}: the Microsoft identity platform v2.0 token endpoint.
 * One method per grant; {@code authorization_code} (with PKCE) and {@code refresh_token} slot in
 * next to {@link #clientCredentials}.
 */
final class TokenEndpoint {

  private final Vertx vertx;
  private final SandboxOptions options;
  private final TokenStore tokens;
  private final Knobs knobs;
  private final SandboxStats stats;

  TokenEndpoint(
      Vertx vertx, SandboxOptions options, TokenStore tokens, Knobs knobs, SandboxStats stats) {
    this.vertx = vertx;
    this.options = options;
    this.tokens = tokens;
    this.knobs = knobs;
    this.stats = stats;
  }

  void handle(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    String grantType = form.get("grant_type");
    stats.countTokenRequest(grantType == null || grantType.isBlank() ? "none" : grantType);
    long latency = knobs.tokenLatencyMs();
    if (latency > 0) {
      vertx.setTimer(latency, id -> respond(ctx, form, grantType));
    } else {
      respond(ctx, form, grantType);
    }
  }

  private void respond(RoutingContext ctx, MultiMap form, String grantType) {
    Optional<Integer> forcedFailure = knobs.takeTokenFailure();
    if (forcedFailure.isPresent()) {
      send(ctx, EntraError.temporarilyUnavailable(forcedFailure.get()));
      return;
    }
    if (grantType == null || grantType.isBlank()) {
      send(ctx, EntraError.invalidRequest("grant_type"));
      return;
    }
    switch (grantType) {
      case "client_credentials" -> clientCredentials(ctx, form);
      default -> send(ctx, EntraError.unsupportedGrantType(grantType));
    }
  }

  private void clientCredentials(RoutingContext ctx, MultiMap form) {
    ClientCredentials client = ClientCredentials.of(ctx.request().headers(), form);
    if (client.id() == null) {
      send(ctx, EntraError.invalidRequest("client_id"));
      return;
    }
    String scope = form.get("scope");
    if (scope == null || scope.isBlank()) {
      send(
          ctx,
          EntraError.invalidScope(
              "The provided value for the input parameter 'scope' is not valid. The scope is"
                  + " missing."));
      return;
    }
    if (!scope.trim().endsWith("/.default") || scope.trim().contains(" ")) {
      send(
          ctx,
          EntraError.invalidScope(
              "The provided value for the input parameter 'scope' is not valid. The scope "
                  + scope
                  + " is not valid. Client credential flows must have a scope value with"
                  + " /.default suffixed to the resource identifier (application ID URI)."));
      return;
    }
    Optional<EntraError> authFailure = authenticate(client);
    if (authFailure.isPresent()) {
      send(ctx, authFailure.get());
      return;
    }
    Duration lifetime = knobs.tokenLifetime(options.tokenLifetime());
    TokenStore.IssuedToken token = tokens.issue(client.id(), scope.trim(), lifetime);
    JsonObject body =
        new JsonObject()
            .put("token_type", "Bearer")
            .put("expires_in", lifetime.toSeconds())
            .put("ext_expires_in", lifetime.toSeconds())
            .put("access_token", token.value());
    options
        .refreshIn()
        .ifPresent(r -> body.put("refresh_in", Math.min(r.toSeconds(), lifetime.toSeconds())));
    sendJson(ctx, 200, body);
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

  private static void send(RoutingContext ctx, EntraError error) {
    sendJson(ctx, error.status(), error.toJson());
  }

  private static void sendJson(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store, no-cache")
        .putHeader("Pragma", "no-cache")
        .putHeader("x-ms-request-id", UUID.randomUUID().toString())
        .end(body.encode());
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
