package io.dynagate.proxy;

import io.dynagate.access.GrantEvaluator;
import io.dynagate.observability.Metrics;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Step 3: may this grant do this (method, entity set, impersonation, batch)? Also answers 429 while
 * the connection is held after an upstream 429.
 */
@ApplicationScoped
class AuthorizeStep {
  private final Metrics metrics;
  private final ThrottleHolds holds;

  AuthorizeStep(Metrics metrics, ThrottleHolds holds) {
    this.metrics = metrics;
    this.holds = holds;
  }

  ProxyExchange apply(ProxyExchange x) {
    Optional<GrantEvaluator.Denial> denial =
        GrantEvaluator.evaluate(
            x.grant,
            x.method,
            x.path.entitySet(),
            x.path.batch(),
            HeaderPolicy.requestsImpersonation(x.rc.request().headers()));
    if (denial.isPresent()) {
      String reason = denial.get().reason();
      x.decision = "denied:" + reason;
      metrics.denied(reason);
      throw GatewayProblem.of(ProblemCode.FORBIDDEN, detail(denial.get()));
    }
    Optional<Long> held = holds.heldFor(x.connectionId);
    if (held.isPresent()) {
      x.decision = "throttled";
      throw GatewayProblem.retryAfter(
          ProblemCode.THROTTLED,
          "Dataverse throttled this connection; the gateway holds calls until Retry-After.",
          held.get());
    }
    x.decision = "allowed";
    return x;
  }

  private static String detail(GrantEvaluator.Denial d) {
    return switch (d) {
      case METHOD -> "The grant does not allow this method.";
      case ENTITY_SET -> "The grant does not cover this entity set.";
      case IMPERSONATION -> "The grant does not allow impersonation headers.";
      case BATCH -> "A $batch needs a full grant without entity-set limits.";
    };
  }
}
