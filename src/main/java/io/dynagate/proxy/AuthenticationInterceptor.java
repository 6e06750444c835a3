package io.dynagate.proxy;

import io.dynagate.access.Roles;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.dynagate.problem.SafeDetail;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Who is calling: {@code X-Api-Key}, the same key as {@code Authorization: Bearer dgk_…}, or a
 * bearer JWT (the access package's mechanisms). No identity → 401. What the identity may do is
 * {@link AuthorizationInterceptor}'s to decide.
 */
@ApplicationScoped
class AuthenticationInterceptor implements ProxyInterceptor {
  private static final String UNAUTHENTICATED = "A valid X-Api-Key or bearer token is required.";

  @Override
  public Uni<Void> onRequest(ProxyExchange x) {
    return QuarkusHttpUser.getSecurityIdentity(x.rc, null)
        .onFailure(AuthenticationFailedException.class)
        .transform(e -> unauthenticated(SafeDetail.of(e, UNAUTHENTICATED)))
        .map(
            identity -> {
              if (identity == null || identity.isAnonymous()) {
                throw unauthenticated(UNAUTHENTICATED);
              }
              x.principal = identity.getPrincipal().getName();
              x.principals = Roles.principals(identity);
              x.caller = identity.hasRole(Roles.CALLER);
              return null;
            });
  }

  private static GatewayProblem unauthenticated(String detail) {
    return GatewayProblem.of(ProblemCode.UNAUTHENTICATED, detail);
  }
}
