package io.dynagate.grant;

import io.dynagate.audit.Actor;
import io.dynagate.audit.AuditAction;
import io.dynagate.audit.AuditTrail;
import io.dynagate.audit.Audited;
import io.dynagate.audit.Targets;
import io.dynagate.config.PrincipalNames;
import io.dynagate.connection.ConnectionService;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.dynagate.store.Bounded;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Per-connection grants (deny by default): put, list, delete; changes audited. */
@ApplicationScoped
@Bounded
public class GrantService {
  private final GrantRepository grants;
  private final ConnectionService connections;
  private final Event<GrantChanged> changed;
  private final AuditTrail audit;

  GrantService(
      GrantRepository grants,
      ConnectionService connections,
      Event<GrantChanged> changed,
      AuditTrail audit) {
    this.grants = grants;
    this.connections = connections;
    this.changed = changed;
    this.audit = audit;
  }

  // Change events are fired after the commit: a replica that evicts its cache on the event and
  // reloads at once must not read the row as it was before the change.

  /** Creates or replaces a grant; audited as {@code grant.put} (diff from the previous grant). */
  public Uni<GrantView> put(String connectionId, String principal, GrantSpec spec, Actor actor) {
    return audit
        .transaction(
            actor,
            () ->
                Uni.createFrom()
                    .item(
                        () -> {
                          if (!PrincipalNames.isValid(principal)) {
                            throw GatewayProblem.validation("principal", PrincipalNames.RULE);
                          }
                          return GrantValidator.validate(spec);
                        })
                    .chain(valid -> requireConnection(connectionId).replaceWith(valid))
                    .chain(
                        valid ->
                            grants
                                .findById(new GrantEntity.Key(connectionId, principal))
                                .chain(
                                    existing -> {
                                      GrantView before = existing == null ? null : view(existing);
                                      return upsert(connectionId, principal, valid, existing)
                                          .map(
                                              after ->
                                                  Audited.of(
                                                      after,
                                                      AuditAction.GRANT_PUT,
                                                      Targets.grant(connectionId, principal),
                                                      audit.diff(before, after)));
                                    })))
        .invoke(() -> changed.fire(new GrantChanged(connectionId, principal)));
  }

  @WithSession
  public Uni<List<GrantView>> list(String connectionId) {
    return requireConnection(connectionId)
        .chain(() -> grants.forConnection(connectionId))
        .map(rows -> rows.stream().map(GrantService::view).toList());
  }

  /**
   * The grants of several principals (a caller and its groups) on one connection, in one query.
   *
   * @param principals at least one principal
   * @return one entry per principal asked for, empty when it has no grant
   */
  @WithSession
  public Uni<Map<String, Optional<GrantView>>> find(String connectionId, List<String> principals) {
    return grants
        .forPrincipals(connectionId, principals)
        .map(
            rows -> {
              Map<String, Optional<GrantView>> found = new HashMap<>();
              principals.forEach(p -> found.put(p, Optional.empty()));
              rows.forEach(g -> found.put(g.principal, Optional.of(view(g))));
              return found;
            });
  }

  /** Deletes a grant; audited as {@code grant.delete} (the deleted grant as {@code from}). */
  public Uni<Void> delete(String connectionId, String principal, Actor actor) {
    return audit
        .transaction(
            actor,
            () ->
                requireConnection(connectionId)
                    .chain(() -> grants.findById(new GrantEntity.Key(connectionId, principal)))
                    .onItem()
                    .ifNull()
                    .failWith(
                        () ->
                            GatewayProblem.of(
                                ProblemCode.NOT_FOUND, "No grant for this principal."))
                    .call(grants::delete)
                    .map(
                        gone ->
                            Audited.of(
                                (Void) null,
                                AuditAction.GRANT_DELETE,
                                Targets.grant(connectionId, principal),
                                audit.diff(view(gone), null))))
        .invoke(() -> changed.fire(new GrantChanged(connectionId, principal)))
        .replaceWithVoid();
  }

  private Uni<GrantView> upsert(
      String connectionId, String principal, GrantValidator.Valid valid, GrantEntity existing) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    GrantEntity g = existing;
    if (g == null) {
      g = new GrantEntity();
      g.connectionId = connectionId;
      g.principal = principal;
      g.createdAt = now;
    }
    g.access = valid.access().wire();
    g.entitySets = valid.entitySets() == null ? null : String.join(" ", valid.entitySets());
    g.impersonation = valid.impersonation();
    g.privileges =
        valid.privileges().isEmpty()
            ? null
            : String.join(" ", valid.privileges().stream().map(Privilege::wire).toList());
    g.updatedAt = now;
    GrantEntity saved = g;
    return grants.persistAndFlush(saved).map(x -> view(saved));
  }

  private Uni<Void> requireConnection(String connectionId) {
    return connections
        .exists(connectionId)
        .invoke(
            exists -> {
              if (!exists) {
                throw GatewayProblem.connectionNotFound();
              }
            })
        .replaceWithVoid();
  }

  static GrantView view(GrantEntity g) {
    return new GrantView(
        g.connectionId,
        g.principal,
        g.access,
        g.entitySets == null ? null : Arrays.asList(g.entitySets.split(" ")),
        g.impersonation,
        g.privileges == null ? List.of() : Arrays.asList(g.privileges.split(" ")),
        g.createdAt,
        g.updatedAt);
  }
}
