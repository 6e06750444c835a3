package io.dynagate.access;

import io.dynagate.apikey.ApiKeys;
import io.dynagate.crypto.Secret;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Reads the caller's API key from {@code X-Api-Key} or {@code Authorization: Bearer dgk_…} (see
 * {@link CallerCredentials} for the rules). No API key: the next mechanism (bearer JWT) or
 * anonymous (the endpoint decides, normally 401). Runs before the OIDC bearer mechanism so that an
 * API key in {@code Authorization} never reaches it and two credentials are refused whichever
 * mechanism would look first.
 */
@ApplicationScoped
public class ApiKeyAuthenticationMechanism implements HttpAuthenticationMechanism {
  /** The request header carrying a gateway API key. */
  public static final String HEADER = "X-Api-Key";

  private final GatewayJwts gatewayJwts;
  private final ApiKeyIdentityProvider keys;

  ApiKeyAuthenticationMechanism(GatewayJwts gatewayJwts, ApiKeyIdentityProvider keys) {
    this.gatewayJwts = gatewayJwts;
    this.keys = keys;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      RoutingContext context, IdentityProviderManager identityProviderManager) {
    MultiMap headers = context.request().headers();
    CallerCredentials.Outcome outcome =
        CallerCredentials.classify(
            headers.getAll(HEADER),
            headers.getAll(HttpHeaders.AUTHORIZATION),
            this::isApiKey,
            gatewayJwts::test);
    if (outcome instanceof CallerCredentials.Refused refused) {
      return Uni.createFrom().failure(CredentialRefused.failure(refused.detail()));
    }
    if (!(outcome instanceof CallerCredentials.ApiKey key)) {
      return Uni.createFrom().optional(java.util.Optional.empty());
    }
    ApiKeyAuthenticationRequest request = new ApiKeyAuthenticationRequest(Secret.of(key.key()));
    return identityProviderManager.authenticate(
        HttpSecurityUtils.setRoutingContextAttribute(request, context));
  }

  /** A gateway-issued key ({@code dgk_…}) or the bootstrap admin key. */
  private boolean isApiKey(String bearer) {
    return bearer.startsWith(ApiKeys.PREFIX) || keys.isBootstrapKey(bearer);
  }

  @Override
  public int getPriority() {
    return DEFAULT_PRIORITY + 1000;
  }

  @Override
  public Uni<ChallengeData> getChallenge(RoutingContext context) {
    return Uni.createFrom().item(new ChallengeData(401, null, null));
  }

  @Override
  public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
    return Set.of(ApiKeyAuthenticationRequest.class);
  }

  @Override
  public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
    return Uni.createFrom()
        .item(new HttpCredentialTransport(HttpCredentialTransport.Type.OTHER_HEADER, HEADER));
  }
}
