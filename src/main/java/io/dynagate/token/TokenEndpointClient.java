package io.dynagate.token;

import io.dynagate.config.DynagateConfig;
import io.dynagate.connection.ResolvedConnection;
import io.dynagate.crypto.Secret;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Calls a connection's token endpoint (Entra ID v2.0 form protocol) with a time limit. Errors carry
 * the IdP's {@code error} / {@code error_description} only.
 */
@ApplicationScoped
public class TokenEndpointClient {
  private static final int MAX_DESCRIPTION = 500;

  private final WebClient client;
  private final DynagateConfig config;
  private final Clock clock;

  TokenEndpointClient(Vertx vertx, DynagateConfig config, Clock clock) {
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setConnectTimeout((int) config.token().requestTimeout().toMillis())
                .setFollowRedirects(false)
                .setUserAgent("dynagate"));
    this.config = config;
    this.clock = clock;
  }

  /** {@code grant_type=client_credentials}. */
  public Uni<AccessToken> clientCredentials(ResolvedConnection c, Secret clientSecret) {
    MultiMap form =
        MultiMap.caseInsensitiveMultiMap()
            .add("grant_type", "client_credentials")
            .add("client_id", c.clientId())
            .add("client_secret", clientSecret.reveal())
            .add("scope", String.join(" ", c.scopes()));
    return post(c.tokenUrl(), form).map(TokenResponse::accessToken);
  }

  /** {@code grant_type=authorization_code} with the PKCE verifier. */
  public Uni<TokenResponse> authorizationCode(
      ResolvedConnection c,
      String code,
      Secret verifier,
      String redirectUri,
      Optional<Secret> clientSecret) {
    MultiMap form =
        MultiMap.caseInsensitiveMultiMap()
            .add("grant_type", "authorization_code")
            .add("client_id", c.clientId())
            .add("code", code)
            .add("redirect_uri", redirectUri)
            .add("code_verifier", verifier.reveal())
            .add("scope", String.join(" ", c.scopes()));
    clientSecret.ifPresent(s -> form.add("client_secret", s.reveal()));
    return post(c.tokenUrl(), form);
  }

  /** {@code grant_type=refresh_token}. */
  public Uni<TokenResponse> refresh(
      ResolvedConnection c, Secret refreshToken, Optional<Secret> clientSecret) {
    MultiMap form =
        MultiMap.caseInsensitiveMultiMap()
            .add("grant_type", "refresh_token")
            .add("client_id", c.clientId())
            .add("refresh_token", refreshToken.reveal())
            .add("scope", String.join(" ", c.scopes()));
    clientSecret.ifPresent(s -> form.add("client_secret", s.reveal()));
    return post(c.tokenUrl(), form);
  }

  Uni<TokenResponse> post(String tokenUrl, MultiMap form) {
    return client
        .postAbs(tokenUrl)
        .timeout(config.token().requestTimeout().toMillis())
        .putHeader("Accept", "application/json")
        .sendForm(form)
        .onFailure()
        .transform(
            e -> new IdpError("unreachable", "The token endpoint could not be reached.", true))
        .map(this::parse);
  }

  private TokenResponse parse(HttpResponse<?> response) {
    Instant arrival = clock.instant();
    JsonObject body = json(response);
    if (response.statusCode() == 200 && body != null && body.getValue("access_token") != null) {
      Long refreshIn = seconds(body.getValue("refresh_in"));
      Long expiresIn = seconds(body.getValue("expires_in"));
      AccessToken access =
          TokenLifetimes.of(
              Secret.of(body.getString("access_token")),
              arrival,
              expiresIn == null ? 3600 : expiresIn,
              refreshIn,
              config.token().refreshAhead());
      Object refresh = body.getValue("refresh_token");
      return new TokenResponse(
          access,
          refresh instanceof String r && !r.isBlank()
              ? Optional.of(Secret.of(r))
              : Optional.empty());
    }
    boolean transientFailure = response.statusCode() >= 500 || response.statusCode() == 429;
    if (body == null || body.getValue("error") == null) {
      throw new IdpError(
          "http_" + response.statusCode(),
          "The token endpoint answered without an OAuth error.",
          transientFailure);
    }
    String description = String.valueOf(body.getValue("error_description", ""));
    if (description.length() > MAX_DESCRIPTION) {
      description = description.substring(0, MAX_DESCRIPTION);
    }
    return raise(String.valueOf(body.getValue("error")), description, transientFailure);
  }

  private static TokenResponse raise(String error, String description, boolean transientFailure) {
    throw new IdpError(
        error.length() > 64 ? error.substring(0, 64) : error,
        description,
        transientFailure || "temporarily_unavailable".equals(error));
  }

  private static JsonObject json(HttpResponse<?> response) {
    try {
      return response.bodyAsJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Long seconds(Object value) {
    if (value instanceof Number n) {
      return n.longValue();
    }
    if (value instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  @PreDestroy
  void close() {
    client.close();
  }
}
