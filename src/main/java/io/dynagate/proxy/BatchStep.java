package io.dynagate.proxy;

import io.dynagate.access.GrantEvaluator;
import io.dynagate.config.DynagateConfig;
import io.dynagate.grant.Privilege;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumSet;
import java.util.Set;

/**
 * Step 3b: a {@code $batch} is read (up to {@code dynagate.proxy.max-batch-bytes}), every inner
 * request is checked against the grant like a request of its own (with the envelope's impersonation
 * and privileged headers added to each), and the body {@link BatchInspector} wrote anew from what
 * it checked is forwarded: inner URLs at the gateway point at the org, and headers inside parts
 * went through the header policy.
 */
@ApplicationScoped
class BatchStep {
  private final BatchInspector inspector;
  private final AuthorizeStep authorize;
  private final long maxBytes;

  private final PublicBases bases;

  BatchStep(DynagateConfig config, AuthorizeStep authorize, PublicBases bases) {
    this.inspector =
        new BatchInspector(new PathPolicy(config.proxy().allowedPrefixes()), MAX_PARTS);
    this.authorize = authorize;
    this.maxBytes = config.proxy().maxBatchBytes();
    this.bases = bases;
  }

  /** Dataverse's own limit of requests in one batch. */
  static final int MAX_PARTS = 1000;

  Uni<ProxyExchange> apply(ProxyExchange x) {
    if (!x.path.batch()) {
      return Uni.createFrom().item(x);
    }
    if (x.rc.request().headers().getAll("Content-Type").size() > 1) {
      // which one Dataverse would read is not ours to guess: the check must see what runs
      return Uni.createFrom()
          .failure(
              GatewayProblem.of(
                  ProblemCode.BAD_REQUEST, "A $batch request has more than one Content-Type."));
    }
    return readBounded(x.rc.request(), maxBytes, "The $batch body is over the limit.")
        .map(
            body -> {
              BatchInspector.Inspected inspected =
                  inspector.inspect(
                      body.getBytes(),
                      x.rc.request().getHeader("Content-Type"),
                      x.connection.orgUrl(),
                      bases.connectionPrefixes(x.connectionId));
              Set<Privilege> envelope = Set.copyOf(x.privileges);
              for (BatchInspector.BatchPart part : inspected.parts()) {
                Set<Privilege> privileges = EnumSet.noneOf(Privilege.class);
                privileges.addAll(envelope);
                privileges.addAll(part.privileges());
                x.privileges.addAll(part.privileges());
                GrantEvaluator.Request request =
                    AuthorizeStep.request(
                            part.method(),
                            part.path(),
                            part.impersonation() || x.impersonation,
                            privileges)
                        .withBody(part.body().unknown(), part.body().boundSets());
                authorize.require(
                    x, request, "batch_", "A request inside the $batch is not allowed.");
              }
              x.bufferedBody = Buffer.buffer(inspected.forwarded());
              return x;
            });
  }

  /** Reads the whole body, failing with 413 {@code tooLarge} past {@code limit} bytes. */
  static Uni<Buffer> readBounded(HttpServerRequest in, long limit, String tooLarge) {
    return Uni.createFrom()
        .emitter(
            emitter -> {
              Buffer all = Buffer.buffer();
              in.handler(
                  chunk -> {
                    if (all.length() + chunk.length() > limit) {
                      in.pause();
                      emitter.fail(GatewayProblem.of(ProblemCode.PAYLOAD_TOO_LARGE, tooLarge));
                      return;
                    }
                    all.appendBuffer(chunk);
                  });
              in.exceptionHandler(emitter::fail);
              in.endHandler(v -> emitter.complete(all));
              in.resume();
            });
  }
}
