package io.dynagate.proxy;

import io.dynagate.access.Roles;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.dynagate.problem.SafeDetail;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Step 1: who is calling. No identity → 401; an identity without role {@code caller} → 403. */
@ApplicationScoped
class AuthenticateStep {

  Uni<ProxyExchange> apply(ProxyExchange x) {
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
              if (!identity.hasRole(Roles.CALLER)) {
                x.decision = "denied:role";
                throw GatewayProblem.of(
                    ProblemCode.FORBIDDEN, "This identity may not use the proxy.");
              }
              return x;
            });
  }

  private static final String UNAUTHENTICATED = "A valid X-Api-Key or bearer token is required.";

  private static GatewayProblem unauthenticated(String detail) {
    return GatewayProblem.of(ProblemCode.UNAUTHENTICATED, detail);
  }
}
