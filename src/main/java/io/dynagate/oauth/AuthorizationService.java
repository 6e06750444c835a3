package io.dynagate.oauth;

import io.dynagate.audit.Actor;
import io.dynagate.config.DynagateConfig;
import io.dynagate.connection.AuthType;
import io.dynagate.connection.ConnectionService;
import io.dynagate.connection.ResolvedConnection;
import io.dynagate.crypto.Secret;
import io.dynagate.crypto.SecretField;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.dynagate.token.IdpError;
import io.dynagate.token.TokenEndpointClient;
import io.dynagate.token.TokenService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The authorization-code flow with PKCE (S256): starts a consent (authorize URL with a single-use
 * state) and finishes it at the callback (code exchange, refresh token stored encrypted, access
 * token cached).
 */
@ApplicationScoped
public class AuthorizationService {
  /** Path of the callback on the gateway. */
  public static final String CALLBACK_PATH = "/oauth2/callback";

  private final ConnectionService connections;
  private final TokenEndpointClient endpoint;
  private final TokenService tokens;
  private final AuthorizationStates states;
  private final Clock clock;
  private final String redirectUri;

  AuthorizationService(
      ConnectionService connections,
      TokenEndpointClient endpoint,
      TokenService tokens,
      AuthorizationStates states,
      Clock clock,
      DynagateConfig config) {
    this.connections = connections;
    this.endpoint = endpoint;
    this.tokens = tokens;
    this.states = states;
    this.clock = clock;
    String base = config.publicBaseUrl().get(0).trim();
    this.redirectUri =
        (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + CALLBACK_PATH;
  }

  /** The started consent: where to send the person, and until when the state is valid. */
  public record Started(String authorizeUrl, Instant expiresAt) {}

  /** What the callback page says. */
  public record Outcome(boolean authorized, String connectionId, String message) {}

  /** Starts a consent; {@code startedBy} (the admin) is kept with the state for the audit. */
  public Uni<Started> start(String connectionId, String startedBy) {
    return delegated(connectionId)
        .chain(
            c -> {
              String state = Pkce.random();
              Secret verifier = Secret.of(Pkce.random());
              Map<String, String> query = new LinkedHashMap<>();
              query.put("client_id", c.clientId());
              query.put("response_type", "code");
              query.put("redirect_uri", redirectUri);
              query.put("response_mode", "query");
              query.put("scope", String.join(" ", c.scopes()));
              query.put("state", state);
              query.put("code_challenge", Pkce.challenge(verifier));
              query.put("code_challenge_method", "S256");
              String url =
                  c.authorizeUrl() + (c.authorizeUrl().contains("?") ? "&" : "?") + form(query);
              Instant expiresAt = clock.instant().plus(AuthorizationStates.LIFETIME);
              return states
                  .remember(state, new PendingAuthorization(c.id(), verifier, startedBy))
                  .replaceWith(new Started(url, expiresAt));
            });
  }

  /**
   * Finishes a consent at the callback; never fails, the outcome says what happened. A stored
   * consent is audited as {@code consent.complete} by the admin who started it, with the callback's
   * request id.
   */
  public Uni<Outcome> finish(
      String state, String code, String error, String errorDescription, String requestId) {
    return states
        .take(state)
        .chain(
            pending -> {
              if (pending.isEmpty()) {
                return Uni.createFrom()
                    .item(
                        new Outcome(
                            false,
                            null,
                            "This authorization link is unknown, expired or was already used."
                                + " Start a new authorization."));
              }
              String id = pending.get().connectionId();
              return delegated(id)
                  .chain(
                      c ->
                          exchange(
                              c,
                              pending.get(),
                              new Actor(pending.get().startedBy(), requestId),
                              code,
                              error,
                              errorDescription))
                  .onFailure(GatewayProblem.class)
                  .recoverWithItem(
                      new Outcome(false, id, "The connection no longer takes a consent."));
            });
  }

  private Uni<Outcome> exchange(
      ResolvedConnection c,
      PendingAuthorization pending,
      Actor actor,
      String code,
      String error,
      String errorDescription) {
    if (error != null || code == null || code.isBlank()) {
      IdpError e =
          new IdpError(
              error == null ? "invalid_request" : truncate(error, 64),
              error == null ? "The callback carried no code." : truncate(errorDescription, 500),
              false);
      return tokens.consentFailed(c, e).replaceWith(refused(c, e));
    }
    return connections
        .secret(c.id(), SecretField.CLIENT_SECRET)
        .chain(
            secret -> endpoint.authorizationCode(c, code, pending.verifier(), redirectUri, secret))
        .chain(
            r -> {
              if (r.refreshToken().isEmpty()) {
                IdpError e =
                    new IdpError(
                        "no_refresh_token",
                        "The identity provider sent no refresh token (is offline_access granted?).",
                        false);
                return tokens.consentFailed(c, e).replaceWith(refused(c, e));
              }
              return connections
                  .storeConsentRefreshToken(c.id(), r.refreshToken().get(), actor)
                  .chain(() -> tokens.consented(c, r.accessToken()))
                  .replaceWith(
                      new Outcome(
                          true,
                          c.id(),
                          "Connection " + c.id() + " is authorized. You can close this window."));
            })
        .onFailure(IdpError.class)
        .recoverWithUni(
            e -> tokens.consentFailed(c, (IdpError) e).replaceWith(refused(c, (IdpError) e)));
  }

  private static Outcome refused(ResolvedConnection c, IdpError e) {
    return new Outcome(
        false,
        c.id(),
        "Authorization of connection "
            + c.id()
            + " failed: "
            + e.error()
            + (e.description() == null || e.description().isBlank()
                ? ""
                : " — " + e.description()));
  }

  private Uni<ResolvedConnection> delegated(String id) {
    return connections
        .resolve(id)
        .map(
            c -> {
              ResolvedConnection found = c.orElseThrow(GatewayProblem::connectionNotFound);
              if (found.type() != AuthType.AUTHORIZATION_CODE) {
                throw GatewayProblem.of(
                    ProblemCode.CONFLICT, "Only authorization_code connections take a consent.");
              }
              return found;
            });
  }

  private static String form(Map<String, String> query) {
    return query.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8).replace("+", "%20"))
        .collect(Collectors.joining("&"));
  }

  private static String truncate(String s, int max) {
    if (s == null) {
      return "";
    }
    return s.length() > max ? s.substring(0, max) : s;
  }
}
