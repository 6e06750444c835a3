package io.dynagate.apikey;

import io.dynagate.audit.Actor;
import io.dynagate.audit.AuditAction;
import io.dynagate.audit.AuditTrail;
import io.dynagate.audit.Audited;
import io.dynagate.audit.Targets;
import io.dynagate.config.PrincipalNames;
import io.dynagate.fleet.FleetEvents;
import io.dynagate.observability.Metrics;
import io.dynagate.problem.FieldError;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.dynagate.store.Bounded;
import io.dynagate.store.LastKnown;
import io.dynagate.store.StoreHealth;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
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

/** Issues, lists, revokes and checks gateway API keys; issuing and revoking are audited. */
@ApplicationScoped
public class ApiKeyService {
  /** Roles a key may carry. */
  public static final Set<String> ROLES = Set.of("admin", "caller");

  /** Origin of keys issued through the admin API. */
  static final String ORIGIN_ADMIN = "admin";

  /** Origin of keys registered from a hash by declarative provisioning. */
  static final String ORIGIN_PROVISIONING = "provisioning";

  static final String REVOKED_EVENT = "apikey-revoked";
  private static final java.util.regex.Pattern SHA256_HEX =
      java.util.regex.Pattern.compile("[0-9a-fA-F]{64}");
  private static final java.time.Duration FRESH = java.time.Duration.ofSeconds(1);
  private static final int CACHE_MAX = 10_000;

  private final ApiKeyRepository keys;
  private final FleetEvents fleet;
  private final AuditTrail audit;
  // accepted keys only (never unknown ones, so random keys cannot fill it), by hash, fresh for
  // 1 s and last known while PostgreSQL is away; a revocation evicts at once on every replica,
  // the TTL is the backstop; concurrent first uses of one key look it up once
  private final LastKnown<String, Optional<ApiKeyPrincipal>> accepted;

  ApiKeyService(
      ApiKeyRepository keys,
      FleetEvents fleet,
      StoreHealth store,
      Metrics metrics,
      AuditTrail audit) {
    this.keys = keys;
    this.fleet = fleet;
    this.audit = audit;
    this.accepted =
        new LastKnown<>(
            store, FRESH, CACHE_MAX, Optional::isPresent, () -> metrics.staleAnswer("apikey"));
    fleet.on(REVOKED_EVENT, accepted::evict);
  }

  /**
   * Issues a key; audited as {@code apikey.create} with the key's view without its material (the
   * record says only {@code "key":{"changed":true}}).
   */
  @Bounded
  public Uni<ApiKeyView> create(ApiKeySpec spec, Actor actor) {
    return audit.transaction(
        actor,
        () ->
            Uni.createFrom()
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
                                  Audited.of(
                                      new ApiKeyView(
                                          e.id,
                                          e.principal,
                                          List.copyOf(roles),
                                          key,
                                          e.createdAt,
                                          null),
                                      AuditAction.APIKEY_CREATE,
                                      Targets.apiKey(e.id),
                                      audit.diff(null, view(e)).secret("key")));
                    }));
  }

  // --- Keys made outside the gateway (declarative provisioning, package io.dynagate.provisioning)

  /**
   * Registers a key that was made outside the gateway, given only its SHA-256: the key itself never
   * reaches the gateway. The principal and roles follow the rules of {@link #create}. A hash that
   * is already registered with the same principal and roles is returned as it is (revoked or not: a
   * revoked key stays revoked); with another principal or other roles it is refused, because a
   * key's identity does not change. Concurrent registrations of one hash: one insert wins, the
   * others fail with a unique violation and find the row when they try again.
   *
   * @param keyHash 64 hex digits, the SHA-256 of the whole {@code dgk_…} key
   */
  @Bounded
  public Uni<Registered> register(ApiKeySpec spec, String keyHash, Actor actor) {
    return audit.transaction(
        actor,
        () ->
            Uni.createFrom()
                .item(() -> validateRegistration(spec, keyHash))
                .chain(
                    roles -> {
                      String hex = keyHash.toLowerCase(java.util.Locale.ROOT);
                      return keys.find("keyHash", hex)
                          .firstResult()
                          .chain(
                              existing -> {
                                if (existing != null) {
                                  return Uni.createFrom()
                                      .item(Audited.unchanged(known(existing, spec, roles)));
                                }
                                ApiKeyEntity e = new ApiKeyEntity();
                                e.id = UUID.randomUUID().toString();
                                e.principal = spec.principal();
                                e.roles = String.join(" ", roles);
                                e.keyHash = hex;
                                e.origin = ORIGIN_PROVISIONING;
                                e.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                                return keys.persistAndFlush(e)
                                    .map(
                                        x ->
                                            Audited.of(
                                                new Registered(view(e), true),
                                                AuditAction.APIKEY_CREATE,
                                                Targets.apiKey(e.id),
                                                audit.diff(null, view(e))));
                              });
                    }));
  }

  /** The keys {@link #register} made that are not revoked, oldest first. */
  @Bounded
  @WithSession
  public Uni<List<ApiKeyView>> registered() {
    return keys.list(
            "origin = ?1 and revokedAt is null",
            Sort.by("createdAt").and("id"),
            ORIGIN_PROVISIONING)
        .map(rows -> rows.stream().map(ApiKeyService::view).toList());
  }

  /**
   * Checks a registration without storing it: the rules of {@link #register}.
   *
   * @throws GatewayProblem {@code validation_failed} naming each invalid field
   */
  public static void checkRegistration(ApiKeySpec spec, String keyHash) {
    validateRegistration(spec, keyHash);
  }

  /**
   * The outcome of {@link #register}.
   *
   * @param created whether this call stored the key (false: it was registered before)
   */
  public record Registered(ApiKeyView key, boolean created) {}

  private static Registered known(ApiKeyEntity e, ApiKeySpec spec, List<String> roles) {
    boolean same =
        e.principal.equals(spec.principal())
            && Set.of(e.roles.split(" ")).equals(Set.copyOf(roles));
    if (!same) {
      throw GatewayProblem.validation(
          "keyHash",
          "is registered for another principal or other roles; a key's principal and roles"
              + " cannot change: make a new key");
    }
    return new Registered(view(e), false);
  }

  private static List<String> validateRegistration(ApiKeySpec spec, String keyHash) {
    List<FieldError> errors = new ArrayList<>();
    List<String> roles = null;
    try {
      roles = validate(spec);
    } catch (GatewayProblem p) {
      errors.addAll(p.errors());
    }
    if (keyHash == null) {
      errors.add(new FieldError("keyHash", "is required"));
    } else if (!SHA256_HEX.matcher(keyHash).matches()) {
      errors.add(
          new FieldError(
              "keyHash",
              "must be 64 hex digits: the SHA-256 of the key (sha256sum's first field)"));
    }
    if (!errors.isEmpty()) {
      throw GatewayProblem.validation(errors);
    }
    return roles;
  }

  // --- end of keys made outside the gateway

  @Bounded
  @WithSession
  public Uni<List<ApiKeyView>> list() {
    return keys.listAll(Sort.by("createdAt").and("id"))
        .map(rows -> rows.stream().map(ApiKeyService::view).toList());
  }

  /**
   * Revokes a key; revoking a revoked key is a no-op (still recorded, with no change), an unknown
   * id is 404. Audited as {@code apikey.revoke}.
   */
  @Bounded
  public Uni<Void> revoke(String id, Actor actor) {
    return audit
        .transaction(
            actor,
            () ->
                keys.findById(id)
                    .map(
                        e -> {
                          if (e == null) {
                            throw GatewayProblem.of(ProblemCode.NOT_FOUND, "No such API key.");
                          }
                          ApiKeyView before = view(e);
                          if (e.revokedAt == null) {
                            e.revokedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                          }
                          return Audited.of(
                              e,
                              AuditAction.APIKEY_REVOKE,
                              Targets.apiKey(id),
                              audit.diff(before, view(e)));
                        }))
        // after the commit, so that no replica reloads the key as still valid
        .invoke(e -> accepted.evict(e.keyHash))
        .call(e -> fleet.publish(REVOKED_EVENT, e.keyHash))
        .replaceWithVoid();
  }

  /** The principal of a presented key, or empty when it is unknown, malformed or revoked. */
  public Uni<Optional<ApiKeyPrincipal>> authenticate(String presented) {
    if (!ApiKeys.wellFormed(presented)) {
      return Uni.createFrom().item(Optional.empty());
    }
    byte[] hash = ApiKeys.sha256(presented);
    String hex = HexFormat.of().formatHex(hash);
    // a warm key costs no session and no round trip; a read is bounded by LastKnown
    return accepted.get(hex, () -> Panache.withSession(() -> load(hash, hex)));
  }

  private Uni<Optional<ApiKeyPrincipal>> load(byte[] hash, String hex) {
    return keys.find("keyHash", hex)
        .firstResult()
        .map(
            e -> {
              if (e == null
                  || e.revokedAt != null
                  || !ApiKeys.sameHash(hash, HexFormat.of().parseHex(e.keyHash))) {
                return Optional.<ApiKeyPrincipal>empty();
              }
              return Optional.of(
                  new ApiKeyPrincipal(e.id, e.principal, Set.of(e.roles.split(" "))));
            });
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
