package io.dynagate.proxy;

import io.dynagate.access.GrantEvaluator;
import io.dynagate.config.DynagateConfig;
import io.dynagate.grant.Privilege;
import io.dynagate.observability.Metrics;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * May this caller do this on this connection? One decision for direct, body and {@code $batch}
 * requests, and the only writer of {@code decision} and {@code allowedBy}:
 *
 * <ol>
 *   <li>role {@code caller} (else 403 {@code denied:role});
 *   <li>the path ({@link PathPolicy}, 400) before any store is asked;
 *   <li>the caller's grants on the connection ({@link AccessLookup}); none is exactly the answer an
 *       unknown connection gets (404 {@code denied:no_grant});
 *   <li>method, entity set, scope, impersonation and privileged headers ({@link GrantEvaluator});
 *   <li>a {@code $batch} is read (up to {@code dynagate.proxy.max-batch-bytes}) and every part
 *       checked like a request of its own, with the envelope's impersonation and privileged headers
 *       added to each; what goes upstream is the body {@link BatchInspector} wrote anew from what
 *       it checked;
 *   <li>a write that only a grant limited to entity sets allows is read whole and checked with
 *       {@link BodyReach} (deep inserts, {@code @odata.bind}); the bytes read go upstream
 *       unchanged. A write a grant without entity-set limits allows streams unread.
 * </ol>
 */
@ApplicationScoped
class AuthorizationInterceptor implements ProxyInterceptor {
  /** Dataverse's own limit of requests in one batch. */
  static final int MAX_PARTS = 1000;

  private final Metrics metrics;
  private final AccessLookup lookup;
  private final PathPolicy paths;
  private final BatchInspector inspector;
  private final PublicBases bases;
  private final long maxBatchBytes;

  AuthorizationInterceptor(
      DynagateConfig config, Metrics metrics, AccessLookup lookup, PublicBases bases) {
    this.metrics = metrics;
    this.lookup = lookup;
    this.bases = bases;
    this.paths = new PathPolicy(config.proxy().allowedPrefixes());
    this.inspector = new BatchInspector(paths, MAX_PARTS);
    this.maxBatchBytes = config.proxy().maxBatchBytes();
  }

  @Override
  public Uni<Void> onRequest(ProxyExchange x) {
    if (!x.caller) {
      refuse(x, "role", "This identity may not use the proxy.");
    }
    ProxyTarget target = ProxyTarget.of(x.rc.request().uri());
    if (!AccessLookup.plausibleId(target.connectionId())) {
      throw GatewayProblem.connectionNotFound();
    }
    x.connectionId = target.connectionId();
    x.path = paths.check(target.rest());
    return lookup
        .grants(x.connectionId, x.principals)
        .chain(
            held -> {
              if (held.isEmpty()) {
                x.decision = "denied:no_grant";
                return Uni.createFrom().failure(GatewayProblem.connectionNotFound());
              }
              x.grants = held;
              return lookup.connection(x.connectionId);
            })
        .chain(
            connection -> {
              x.connection = connection.orElseThrow(GatewayProblem::connectionNotFound);
              return decide(x);
            });
  }

  private Uni<Void> decide(ProxyExchange x) {
    x.privileges.addAll(HeaderPolicy.requestedPrivileges(x.rc.request().headers()));
    boolean impersonation = HeaderPolicy.requestsImpersonation(x.rc.request().headers());
    if (x.path.batch()) {
      // a $batch envelope is a POST that only carries requests: they are checked one by one, so
      // the envelope itself needs no write access, only no stray impersonation or privileged
      // header
      batchEnvelope(x, impersonation).ifPresent(d -> refuse(x, d.reason(), detail(d)));
      return batch(x, impersonation).invoke(() -> x.decision = "allowed");
    }
    x.request = request(x.method, x.path, impersonation, x.privileges);
    require(x, x.request, "", null);
    if (!BodyReach.BODY_METHODS.contains(x.method) || unlimited(x)) {
      x.decision = "allowed";
      return PASS; // the body cannot take it anywhere the grant does not cover: it streams unread
    }
    return writeBody(x).invoke(() -> x.decision = "allowed");
  }

  /** Whether a grant without entity-set limits allows the request (its body needs no check). */
  private static boolean unlimited(ProxyExchange x) {
    return x.grants.stream()
        .anyMatch(g -> g.entitySets() == null && GrantEvaluator.evaluate(g, x.request).isEmpty());
  }

  private Uni<Void> writeBody(ProxyExchange x) {
    boolean json = BodyReach.isJson(x.rc.request().getHeader("Content-Type"));
    return x.body
        .whole(maxBatchBytes, "A write checked against an entity-set grant is over the body limit.")
        .map(
            body -> {
              BodyReach reach =
                  body.length() == 0
                      ? BodyReach.NONE
                      : json ? BodyReach.of(body.getBytes()) : BodyReach.UNKNOWN;
              x.allowedBy.clear(); // decided again, now with the body
              require(
                  x,
                  x.request.withBody(reach.unknown(), reach.boundSets()),
                  "body_",
                  "The grant is limited to entity sets; the body creates or binds records in"
                      + " sets it does not list.");
              return null;
            });
  }

  private Uni<Void> batch(ProxyExchange x, boolean impersonation) {
    if (x.rc.request().headers().getAll("Content-Type").size() > 1) {
      // which one Dataverse would read is not ours to guess: the check must see what runs
      throw GatewayProblem.of(
          ProblemCode.BAD_REQUEST, "A $batch request has more than one Content-Type.");
    }
    return x.body
        .whole(maxBatchBytes, "The $batch body is over the limit.")
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
                    request(
                            part.method(),
                            part.path(),
                            part.impersonation() || impersonation,
                            privileges)
                        .withBody(part.body().unknown(), part.body().boundSets());
                require(x, request, "batch_", "A request inside the $batch is not allowed.");
              }
              x.body.replace(Buffer.buffer(inspected.forwarded()));
              return null;
            });
  }

  /**
   * Records the grant that allows {@code request}, or refuses it with 403: reason tag {@code prefix
   * + denial}, and {@code detail} (null: the denial's own wording).
   */
  private void require(
      ProxyExchange x, GrantEvaluator.Request request, String prefix, String detail) {
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

  private static Optional<GrantEvaluator.Denial> batchEnvelope(
      ProxyExchange x, boolean impersonation) {
    if (!"POST".equals(x.method)) {
      return Optional.of(GrantEvaluator.Denial.METHOD);
    }
    if (impersonation && x.grants.stream().noneMatch(g -> g.impersonation())) {
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
