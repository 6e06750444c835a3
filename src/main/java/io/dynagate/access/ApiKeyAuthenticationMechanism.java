package io.dynagate.access;

import io.dynagate.crypto.Secret;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code X-Api-Key}. No header: the next mechanism (bearer JWT) or anonymous (the endpoint
 * decides, normally 401). A header given twice, or together with an {@code Authorization} header,
 * is refused rather than guessed at. Runs before the OIDC bearer mechanism so that the refusal of
 * two credentials does not depend on which one another mechanism looks at first.
 */
@ApplicationScoped
public class ApiKeyAuthenticationMechanism implements HttpAuthenticationMechanism {
  /** The request header carrying a gateway API key. */
  public static final String HEADER = "X-Api-Key";

  @Override
  public Uni<SecurityIdentity> authenticate(
      RoutingContext context, IdentityProviderManager identityProviderManager) {
    List<String> values = context.request().headers().getAll(HEADER);
    if (values.isEmpty()) {
      return Uni.createFrom().optional(java.util.Optional.empty());
    }
    if (values.size() > 1
        || values.get(0).isEmpty()
        || context.request().headers().contains(HttpHeaders.AUTHORIZATION)) {
      return Uni.createFrom().failure(new AuthenticationFailedException());
    }
    ApiKeyAuthenticationRequest request = new ApiKeyAuthenticationRequest(Secret.of(values.get(0)));
    return identityProviderManager.authenticate(
        HttpSecurityUtils.setRoutingContextAttribute(request, context));
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
