package io.dynagate.proxy;

import io.dynagate.access.GrantEvaluator;
import io.dynagate.config.DynagateConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Step 3c: a write ({@code POST}, {@code PATCH}, {@code PUT}) that only a grant limited to entity
 * sets allows is read whole (up to {@code dynagate.proxy.max-batch-bytes}) and its body checked
 * with {@link BodyReach}: deep inserts and {@code @odata.bind} references to sets the grant does
 * not list are refused (403, reason {@code body_scope}); the bytes read are forwarded unchanged. A
 * request that a grant without entity-set limits allows streams as before, unread.
 */
@ApplicationScoped
class WriteBodyStep {
  private final AuthorizeStep authorize;
  private final long maxBytes;

  WriteBodyStep(DynagateConfig config, AuthorizeStep authorize) {
    this.authorize = authorize;
    this.maxBytes = config.proxy().maxBatchBytes();
  }

  Uni<ProxyExchange> apply(ProxyExchange x) {
    if (x.path.batch() || !BodyReach.BODY_METHODS.contains(x.method)) {
      return Uni.createFrom().item(x);
    }
    boolean unlimited =
        x.grants.stream()
            .anyMatch(
                g -> g.entitySets() == null && GrantEvaluator.evaluate(g, x.request).isEmpty());
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
              x.allowedBy.clear(); // decided again, now with the body
              authorize.require(
                  x,
                  x.request.withBody(reach.unknown(), reach.boundSets()),
                  "body_",
                  "The grant is limited to entity sets; the body creates or binds records in"
                      + " sets it does not list.");
              x.bufferedBody = body;
              return x;
            });
  }
}
