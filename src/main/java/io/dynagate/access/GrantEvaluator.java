package io.dynagate.access;

import io.dynagate.grant.Access;
import io.dynagate.grant.GrantView;
import io.dynagate.grant.Privilege;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a caller's grants allow one proxied request (contract section 3, grants). Pure.
 *
 * <p>A caller can hold several grants on one connection: its own and one per {@code group:}
 * principal it belongs to. A request is allowed when at least one of them allows all of it (method,
 * entity set, scope and impersonation together); grants never combine into more than any one of
 * them allows.
 *
 * <p>Functions and actions (e.g. {@code WhoAmI}) count under their own name as "entity set", so a
 * grant limited to entity sets must list them to call them. A grant limited to entity sets also
 * refuses requests that could reach other sets through the listed one: navigation paths, property
 * paths and bound operations after {@code set(key)}, and query options that can follow navigation
 * ({@code $expand}, {@code fetchXml}, saved queries, {@code /} paths in {@code $filter}), and write
 * bodies that create records in other sets (deep insert) or bind records of sets it does not list
 * ({@code @odata.bind}); see {@code EntitySetReach} and {@code BodyReach} in the proxy. The proxy
 * checks every request inside a {@code $batch} on its own with this evaluator.
 *
 * <p>Dataverse's privileged headers (skip business logic, skip flows) need the matching {@link
 * Privilege} on the grant, like impersonation headers need {@code impersonation}. The schema
 * ({@code $metadata}) and the service document are readable under every grant: they hold no data,
 * and clients such as Olingo start from them.
 */
public final class GrantEvaluator {
  private GrantEvaluator() {}

  /** Why a request was refused; the wire value is the metric's {@code reason} tag. */
  public enum Denial {
    METHOD("method"),
    ENTITY_SET("entity_set"),
    SCOPE("scope"),
    IMPERSONATION("impersonation"),
    PRIVILEGE("privilege");

    private final String reason;

    Denial(String reason) {
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  /**
   * One request as the grant check sees it.
   *
   * @param method the HTTP method
   * @param entitySet the first path segment after {@code api/data/v{x.y}/} without key, or null
   *     (the service document)
   * @param beyondEntitySet the path or query may reach data outside {@code entitySet}
   * @param impersonation the request carries {@code CallerObjectId} or {@code MSCRMCallerID}
   * @param privileges the privileged headers it carries need these grant permissions
   * @param boundSets other entity sets the body names ({@code @odata.bind}); a grant limited to
   *     entity sets must list them all
   * @param schema the target is the Web API's {@code $metadata} or service document
   */
  public record Request(
      String method,
      String entitySet,
      boolean beyondEntitySet,
      boolean impersonation,
      Set<Privilege> privileges,
      Set<String> boundSets,
      boolean schema) {
    public Request {
      privileges = privileges.isEmpty() ? Set.of() : Set.copyOf(privileges);
      boundSets = Set.copyOf(boundSets);
    }

    /** A request without privileged headers whose body binds nothing (or is not yet read). */
    public Request(
        String method, String entitySet, boolean beyondEntitySet, boolean impersonation) {
      this(method, entitySet, beyondEntitySet, impersonation, Set.of(), Set.of(), false);
    }

    /** This request once its body is known to reach unknown sets or to bind {@code sets}. */
    public Request withBody(boolean reachesUnknown, Set<String> sets) {
      return new Request(
          method,
          entitySet,
          beyondEntitySet || reachesUnknown,
          impersonation,
          privileges,
          sets,
          schema);
    }

    /** A read of the schema ({@code $metadata}) or of the service document. */
    boolean readsSchema() {
      return schema && !beyondEntitySet && boundSets.isEmpty() && READ_METHODS.contains(method);
    }
  }

  private static final Set<String> READ_METHODS = Set.of("GET", "HEAD");

  /**
   * The outcome for a caller's grants: the first grant that allows the request (for the audit
   * line), or why the first grant (the caller's own when it has one) refuses it.
   */
  public record Decision(Optional<GrantView> allowedBy, Optional<Denial> denial) {}

  /** No grants at all is refused as {@link Denial#METHOD}. */
  public static Decision decide(List<GrantView> grants, Request request) {
    for (GrantView g : grants) {
      if (evaluate(g, request).isEmpty()) {
        return new Decision(Optional.of(g), Optional.empty());
      }
    }
    return new Decision(
        Optional.empty(),
        grants.isEmpty() ? Optional.of(Denial.METHOD) : evaluate(grants.get(0), request));
  }

  /**
   * @return empty when some grant allows the request; else why the first grant (the caller's own
   *     when it has one) refuses it. No grants at all is refused as {@link Denial#METHOD}.
   */
  public static Optional<Denial> evaluate(List<GrantView> grants, Request request) {
    return decide(grants, request).denial();
  }

  /**
   * @return empty when this grant allows the request, else the reason for refusing
   */
  public static Optional<Denial> evaluate(GrantView grant, Request request) {
    Access access = Access.fromWire(grant.access()).orElse(null);
    if (access == null || !access.allows(request.method())) {
      return Optional.of(Denial.METHOD);
    }
    if (request.impersonation() && !grant.impersonation()) {
      return Optional.of(Denial.IMPERSONATION);
    }
    for (Privilege p : request.privileges()) {
      if (!grant.holds(p)) {
        return Optional.of(Denial.PRIVILEGE);
      }
    }
    if (grant.entitySets() == null || request.readsSchema()) {
      return Optional.empty();
    }
    String set = request.entitySet();
    if (set == null || !grant.entitySets().contains(set)) {
      return Optional.of(Denial.ENTITY_SET);
    }
    return request.beyondEntitySet() || !grant.entitySets().containsAll(request.boundSets())
        ? Optional.of(Denial.SCOPE)
        : Optional.empty();
  }
}
