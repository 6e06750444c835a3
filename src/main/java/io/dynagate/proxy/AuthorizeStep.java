package io.dynagate.proxy;

import io.dynagate.access.GrantEvaluator;
import io.dynagate.observability.Metrics;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Step 3: may these grants do this (method, entity set, scope, impersonation)? Also answers 429
 * while the connection is held after an upstream 429.
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
    boolean impersonation = HeaderPolicy.requestsImpersonation(x.rc.request().headers());
    // a $batch envelope is a POST that only carries requests: they are checked one by one by
    // BatchStep, so the envelope itself needs no write access, only no stray impersonation
    Optional<GrantEvaluator.Denial> denial;
    if (x.path.batch()) {
      denial = batchEnvelope(x, impersonation); // the parts record who allowed them
    } else {
      GrantEvaluator.Request request = request(x.method, x.path, impersonation);
      denial = GrantEvaluator.evaluate(x.grants, request);
      GrantEvaluator.allowing(x.grants, request).ifPresent(g -> x.allowedBy.add(g.principal()));
    }
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

  private static Optional<GrantEvaluator.Denial> batchEnvelope(
      ProxyExchange x, boolean impersonation) {
    if (!"POST".equals(x.method)) {
      return Optional.of(GrantEvaluator.Denial.METHOD);
    }
    return impersonation && x.grants.stream().noneMatch(g -> g.impersonation())
        ? Optional.of(GrantEvaluator.Denial.IMPERSONATION)
        : Optional.empty();
  }

  /** What the grant check needs to know of one request (direct or inside a batch). */
  static GrantEvaluator.Request request(String method, ProxyPath path, boolean impersonation) {
    return new GrantEvaluator.Request(
        method,
        path.entitySet(),
        EntitySetReach.beyond(path.path(), path.rawQuery()),
        impersonation);
  }

  private static String detail(GrantEvaluator.Denial d) {
    return switch (d) {
      case METHOD -> "The grant does not allow this method.";
      case ENTITY_SET -> "The grant does not cover this entity set.";
      case IMPERSONATION -> "The grant does not allow impersonation headers.";
      case SCOPE ->
          "The grant is limited to entity sets; paths and query options that can reach other"
              + " sets (navigation, $expand, fetchXml, saved queries) are not allowed.";
    };
  }
}
