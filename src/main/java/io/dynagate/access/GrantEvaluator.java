package io.dynagate.access;

import io.dynagate.grant.Access;
import io.dynagate.grant.GrantView;
import java.util.Optional;

/**
 * Decides whether a grant allows one proxied request (contract section 3, grants). Pure.
 *
 * <p>Functions and actions (e.g. {@code WhoAmI}) count under their own name as "entity set", so a
 * grant limited to entity sets must list them to call them. The proxy checks every request inside a
 * {@code $batch} with this evaluator; the {@code batch} flag is the older, coarse rule (a batch as
 * a whole needs a {@code full} grant without entity-set limits).
 */
public final class GrantEvaluator {
  private GrantEvaluator() {}

  /** Why a request was refused; the wire value is the metric's {@code reason} tag. */
  public enum Denial {
    METHOD("method"),
    ENTITY_SET("entity_set"),
    IMPERSONATION("impersonation"),
    BATCH("batch");

    private final String reason;

    Denial(String reason) {
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  /**
   * @param entitySet the first path segment after {@code api/data/v{x.y}/}, or null
   * @return empty when allowed, else the reason for refusing
   */
  public static Optional<Denial> evaluate(
      GrantView grant, String method, String entitySet, boolean batch, boolean impersonation) {
    Access access = Access.fromWire(grant.access()).orElse(null);
    if (access == null || !access.allows(method)) {
      return Optional.of(Denial.METHOD);
    }
    if (impersonation && !grant.impersonation()) {
      return Optional.of(Denial.IMPERSONATION);
    }
    if (batch) {
      return access == Access.FULL && grant.entitySets() == null
          ? Optional.empty()
          : Optional.of(Denial.BATCH);
    }
    if (grant.entitySets() != null
        && (entitySet == null || !grant.entitySets().contains(entitySet))) {
      return Optional.of(Denial.ENTITY_SET);
    }
    return Optional.empty();
  }
}
