package io.dynagate.proxy;

import io.dynagate.access.GrantEvaluator;
import io.dynagate.grant.Privilege;
import io.dynagate.observability.Metrics;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.Set;

/**
 * Step 3: may these grants do this (method, entity set, scope, impersonation, privileged headers)?
 * Also answers 429 while the connection is held after an upstream 429.
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
    x.impersonation = HeaderPolicy.requestsImpersonation(x.rc.request().headers());
    x.privileges.addAll(HeaderPolicy.requestedPrivileges(x.rc.request().headers()));
    if (x.path.batch()) {
      // a $batch envelope is a POST that only carries requests: they are checked one by one by
      // BatchStep (which records who allowed them), so the envelope itself needs no write
      // access, only no stray impersonation or privileged header
      batchEnvelope(x).ifPresent(d -> refuse(x, d.reason(), detail(d)));
    } else {
      x.request = request(x.method, x.path, x.impersonation, x.privileges);
      require(x, x.request, "", null);
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

  /**
   * Records the grant that allows {@code request}, or refuses it with 403: reason tag {@code prefix
   * + denial}, and {@code detail} (null: the denial's own wording).
   */
  void require(ProxyExchange x, GrantEvaluator.Request request, String prefix, String detail) {
    GrantEvaluator.Decision decision = GrantEvaluator.decide(x.grants, request);
    decision.allowedBy().ifPresent(g -> x.allowedBy.add(g.principal()));
    decision
        .denial()
        .ifPresent(d -> refuse(x, prefix + d.reason(), detail == null ? detail(d) : detail));
  }

  private void refuse(ProxyExchange x, String reason, String detail) {
    x.decision = "denied:" + reason;
    x.allowedBy.clear();
    metrics.denied(reason);
    throw GatewayProblem.of(ProblemCode.FORBIDDEN, detail);
  }

  private static Optional<GrantEvaluator.Denial> batchEnvelope(ProxyExchange x) {
    if (!"POST".equals(x.method)) {
      return Optional.of(GrantEvaluator.Denial.METHOD);
    }
    if (x.impersonation && x.grants.stream().noneMatch(g -> g.impersonation())) {
      return Optional.of(GrantEvaluator.Denial.IMPERSONATION);
    }
    return x.grants.stream().noneMatch(g -> x.privileges.stream().allMatch(g::holds))
        ? Optional.of(GrantEvaluator.Denial.PRIVILEGE)
        : Optional.empty();
  }

  /** What the grant check needs to know of one request (direct or inside a batch). */
  static GrantEvaluator.Request request(
      String method, ProxyPath path, boolean impersonation, Set<Privilege> privileges) {
    return new GrantEvaluator.Request(
        method,
        path.entitySet(),
        EntitySetReach.beyond(path.path(), path.rawQuery()),
        impersonation,
        privileges,
        Set.of(),
        path.schema());
  }

  private static String detail(GrantEvaluator.Denial d) {
    return switch (d) {
      case METHOD -> "The grant does not allow this method.";
      case ENTITY_SET -> "The grant does not cover this entity set.";
      case IMPERSONATION -> "The grant does not allow impersonation headers.";
      case PRIVILEGE ->
          "The grant does not allow Dataverse's privileged headers (bypassing business logic or"
              + " flows); it needs the matching privileges.";
      case SCOPE ->
          "The grant is limited to entity sets; paths and query options that can reach other"
              + " sets (navigation, $expand, fetchXml, saved queries) are not allowed.";
    };
  }
}
