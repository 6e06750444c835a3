package io.dynagate.proxy;

import io.dynagate.access.GrantEvaluator;
import io.dynagate.config.DynagateConfig;
import io.dynagate.observability.Metrics;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Step 3c: a write ({@code POST}, {@code PATCH}, {@code PUT}) that only a grant limited to entity
 * sets allows is read whole (up to {@code dynagate.proxy.max-batch-bytes}) and its body checked
 * with {@link BodyReach}: deep inserts and {@code @odata.bind} references to sets the grant does
 * not list are refused (403, reason {@code scope}); the bytes read are forwarded unchanged. A
 * request that a grant without entity-set limits allows streams as before, unread.
 */
@ApplicationScoped
class WriteBodyStep {
  private final Metrics metrics;
  private final long maxBytes;

  WriteBodyStep(DynagateConfig config, Metrics metrics) {
    this.metrics = metrics;
    this.maxBytes = config.proxy().maxBatchBytes();
  }

  Uni<ProxyExchange> apply(ProxyExchange x) {
    if (x.path.batch() || !BodyReach.BODY_METHODS.contains(x.method)) {
      return Uni.createFrom().item(x);
    }
    boolean impersonation = HeaderPolicy.requestsImpersonation(x.rc.request().headers());
    GrantEvaluator.Request plain = AuthorizeStep.request(x.method, x.path, impersonation);
    boolean unlimited =
        x.grants.stream()
            .anyMatch(g -> g.entitySets() == null && GrantEvaluator.evaluate(g, plain).isEmpty());
    if (unlimited) {
      return Uni.createFrom().item(x); // the body cannot take it anywhere the grant does not cover
    }
    boolean json = BodyReach.isJson(x.rc.request().getHeader("Content-Type"));
    return BatchStep.readBounded(
            x.rc.request(),
            maxBytes,
            "A write checked against an entity-set grant is over the body limit.")
        .map(
            body -> {
              BodyReach reach =
                  body.length() == 0
                      ? BodyReach.NONE
                      : json ? BodyReach.of(body.getBytes()) : BodyReach.UNKNOWN;
              GrantEvaluator.Request request =
                  new GrantEvaluator.Request(
                      plain.method(),
                      plain.entitySet(),
                      plain.beyondEntitySet() || reach.unknown(),
                      impersonation,
                      reach.boundSets());
              Optional<GrantEvaluator.Denial> denial = GrantEvaluator.evaluate(x.grants, request);
              x.allowedBy.clear();
              if (denial.isPresent()) {
                String reason = "body_" + denial.get().reason();
                x.decision = "denied:" + reason;
                metrics.denied(reason);
                throw GatewayProblem.of(
                    ProblemCode.FORBIDDEN,
                    "The grant is limited to entity sets; the body creates or binds records in"
                        + " sets it does not list.");
              }
              GrantEvaluator.allowing(x.grants, request)
                  .ifPresent(g -> x.allowedBy.add(g.principal()));
              x.bufferedBody = body;
              return x;
            });
  }
}
