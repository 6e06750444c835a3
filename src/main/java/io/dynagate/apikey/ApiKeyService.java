package io.dynagate.apikey;

import io.dynagate.config.PrincipalNames;
import io.dynagate.problem.FieldError;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Issues, lists, revokes and checks gateway API keys. */
@ApplicationScoped
public class ApiKeyService {
  /** Roles a key may carry. */
  public static final Set<String> ROLES = Set.of("admin", "caller");

  private final ApiKeyRepository keys;

  ApiKeyService(ApiKeyRepository keys) {
    this.keys = keys;
  }

  @WithTransaction
  public Uni<ApiKeyView> create(ApiKeySpec spec) {
    return Uni.createFrom()
        .item(() -> validate(spec))
        .chain(
            roles -> {
              String key = ApiKeys.generate();
              ApiKeyEntity e = new ApiKeyEntity();
              e.id = UUID.randomUUID().toString();
              e.principal = spec.principal();
              e.roles = String.join(" ", roles);
              e.keyHash = ApiKeys.hashHex(key);
              e.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
              return keys.persistAndFlush(e)
                  .map(
                      x ->
                          new ApiKeyView(
                              e.id, e.principal, List.copyOf(roles), key, e.createdAt, null));
            });
  }

  @WithSession
  public Uni<List<ApiKeyView>> list() {
    return keys.listAll(Sort.by("createdAt").and("id"))
        .map(rows -> rows.stream().map(ApiKeyService::view).toList());
  }

  /** Revokes a key; revoking a revoked key is a no-op, an unknown id is 404. */
  @WithTransaction
  public Uni<Void> revoke(String id) {
    return keys.findById(id)
        .invoke(
            e -> {
              if (e == null) {
                throw GatewayProblem.of(ProblemCode.NOT_FOUND, "No such API key.");
              }
              if (e.revokedAt == null) {
                e.revokedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
              }
            })
        .replaceWithVoid();
  }

  /** The principal of a presented key, or empty when it is unknown, malformed or revoked. */
  @WithSession
  public Uni<Optional<ApiKeyPrincipal>> authenticate(String presented) {
    if (!ApiKeys.wellFormed(presented)) {
      return Uni.createFrom().item(Optional.empty());
    }
    byte[] hash = ApiKeys.sha256(presented);
    return keys.find("keyHash", HexFormat.of().formatHex(hash))
        .firstResult()
        .map(
            e ->
                e == null
                        || e.revokedAt != null
                        || !ApiKeys.sameHash(hash, HexFormat.of().parseHex(e.keyHash))
                    ? Optional.empty()
                    : Optional.of(
                        new ApiKeyPrincipal(e.id, e.principal, Set.of(e.roles.split(" ")))));
  }

  private static List<String> validate(ApiKeySpec spec) {
    List<FieldError> errors = new ArrayList<>();
    if (spec.principal() == null) {
      errors.add(new FieldError("principal", "is required"));
    } else if (spec.principal().startsWith(PrincipalNames.GROUP_PREFIX)) {
      errors.add(new FieldError("principal", "must not start with group:"));
    } else if (!PrincipalNames.isValid(spec.principal())) {
      errors.add(new FieldError("principal", PrincipalNames.RULE));
    }
    LinkedHashSet<String> roles = new LinkedHashSet<>();
    if (spec.roles() == null) {
      roles.add("caller");
    } else if (spec.roles().isEmpty()) {
      errors.add(new FieldError("roles", "at least one of admin, caller"));
    } else {
      for (int i = 0; i < spec.roles().size(); i++) {
        String r = spec.roles().get(i);
        if (!ROLES.contains(r)) {
          errors.add(new FieldError("roles[" + i + "]", "must be admin or caller"));
        } else {
          roles.add(r);
        }
      }
    }
    if (!errors.isEmpty()) {
      throw GatewayProblem.validation(errors);
    }
    return List.copyOf(roles);
  }

  static ApiKeyView view(ApiKeyEntity e) {
    return new ApiKeyView(
        e.id, e.principal, List.of(e.roles.split(" ")), null, e.createdAt, e.revokedAt);
  }
}
