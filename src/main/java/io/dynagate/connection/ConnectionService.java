package io.dynagate.connection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynagate.audit.Actor;
import io.dynagate.audit.AuditAction;
import io.dynagate.audit.AuditTrail;
import io.dynagate.audit.Audited;
import io.dynagate.audit.Changes;
import io.dynagate.audit.Targets;
import io.dynagate.config.DynagateConfig;
import io.dynagate.crypto.Secret;
import io.dynagate.crypto.SecretCipher;
import io.dynagate.crypto.SecretField;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.JsonProblems;
import io.dynagate.problem.ProblemCode;
import io.dynagate.store.Bounded;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The connection registry: create, read, merge-patch, delete; secrets encrypted on the way in.
 * Every admin change is written with its audit record in one transaction ({@link AuditTrail}).
 */
@ApplicationScoped
@Bounded
public class ConnectionService {
  private final ConnectionRepository connections;
  private final ConnectionSecretRepository secrets;
  private final SecretCipher cipher;
  private final ObjectMapper json;
  private final ConnectionValidator validator;
  private final Event<ConnectionChanged> changed;
  private final AuditTrail audit;

  ConnectionService(
      ConnectionRepository connections,
      ConnectionSecretRepository secrets,
      SecretCipher cipher,
      ObjectMapper json,
      DynagateConfig config,
      Event<ConnectionChanged> changed,
      AuditTrail audit) {
    this.connections = connections;
    this.secrets = secrets;
    this.cipher = cipher;
    this.json = json;
    this.validator = ConnectionValidator.from(config);
    this.changed = changed;
    this.audit = audit;
  }

  /** Creates a connection; audited as {@code connection.create}. */
  public Uni<ConnectionView> create(ConnectionSpec spec, Actor actor) {
    return audit.transaction(
        actor,
        () ->
            Uni.createFrom()
                .item(() -> validator.validate(spec, Set.of()))
                .chain(
                    valid -> {
                      String id = valid.id() != null ? valid.id() : UUID.randomUUID().toString();
                      return connections
                          .findById(id)
                          .chain(existing -> insert(id, valid, existing))
                          .onFailure(UniqueViolation::matches)
                          .transform(e -> conflict(id))
                          .map(
                              view ->
                                  Audited.of(
                                      view,
                                      AuditAction.CONNECTION_CREATE,
                                      Targets.connection(id),
                                      withSecrets(
                                          audit.diff(null, view),
                                          valid.secretsToWrite().keySet())));
                    }));
  }

  @WithSession
  public Uni<List<ConnectionView>> list() {
    return connections
        .listAll(Sort.by("id"))
        .chain(
            all ->
                secrets
                    .listAll()
                    .map(
                        rows -> {
                          Map<String, Set<SecretField>> stored =
                              rows.stream()
                                  .collect(
                                      Collectors.groupingBy(
                                          r -> r.connectionId,
                                          Collectors.mapping(
                                              r -> SecretField.fromColumn(r.field),
                                              Collectors.toCollection(
                                                  () -> EnumSet.noneOf(SecretField.class)))));
                          return all.stream()
                              .map(e -> view(e, stored.getOrDefault(e.id, Set.of())))
                              .toList();
                        }));
  }

  @WithSession
  public Uni<ConnectionView> get(String id) {
    return load(id).chain(e -> storedFields(id).map(fields -> view(e, fields)));
  }

  @WithSession
  public Uni<Boolean> exists(String id) {
    if (!ConnectionValidator.ID.matcher(id).matches()) {
      return Uni.createFrom().item(false);
    }
    return connections.count("id", id).map(n -> n > 0);
  }

  /**
   * Applies a JSON merge patch; audited as {@code credential.replace} when it writes or removes
   * secret material, else {@code connection.update} (one record either way, with every changed
   * field).
   */
  public Uni<ConnectionView> patch(String id, JsonNode patch, Actor actor) {
    if (patch == null || !patch.isObject()) {
      return Uni.createFrom().failure(JsonProblems.bodyRequired());
    }
    return audit.transaction(
        actor,
        () -> load(id).chain(e -> storedFields(id).chain(stored -> applyPatch(e, stored, patch))));
  }

  /** Deletes a connection with its grants and secrets; audited as {@code connection.delete}. */
  public Uni<Void> delete(String id, Actor actor) {
    return audit
        .transaction(
            actor,
            () ->
                load(id)
                    .chain(
                        e ->
                            storedFields(id)
                                .map(stored -> view(e, stored))
                                .call(before -> connections.delete(e))
                                .map(
                                    before ->
                                        Audited.of(
                                            (Void) null,
                                            AuditAction.CONNECTION_DELETE,
                                            Targets.connection(id),
                                            audit.diff(before, null)))))
        .invoke(() -> changed.fire(new ConnectionChanged(id, true))) // after the commit
        .replaceWithVoid();
  }

  /**
   * The stored settings of a connection as a spec without secrets (null where a default applies, as
   * a merge patch sees them), or empty when there is no such connection. Declarative provisioning
   * compares its file with this; secrets it compares through {@link #secret}.
   */
  @WithSession
  public Uni<Optional<ConnectionSpec>> storedSpec(String id) {
    if (!ConnectionValidator.ID.matcher(id).matches()) {
      return Uni.createFrom().item(Optional.empty());
    }
    return connections.findById(id).map(e -> Optional.ofNullable(e).map(ConnectionService::spec));
  }

  /** The connection's effective settings, or empty when there is no such connection. */
  @WithSession
  public Uni<Optional<ResolvedConnection>> resolve(String id) {
    if (!ConnectionValidator.ID.matcher(id).matches()) {
      return Uni.createFrom().item(Optional.empty());
    }
    return connections
        .findById(id)
        .map(e -> Optional.ofNullable(e).map(ConnectionService::resolved));
  }

  /** The state derivable from the registry alone (the token layer adds what it knows). */
  @WithSession
  public Uni<ConnectionStatus> status(String id) {
    return load(id).chain(e -> storedFields(id).map(fields -> ConnectionStates.of(e, fields)));
  }

  /** A decrypted secret of the connection, for the token layer. */
  @WithSession
  public Uni<Optional<Secret>> secret(String id, SecretField field) {
    return secrets
        .findById(new ConnectionSecretEntity.Key(id, field.column()))
        .map(
            row ->
                row == null
                    ? Optional.empty()
                    : Optional.of(cipher.decrypt(row.ciphertext, id, field)));
  }

  /** The stored refresh token with its version, if the connection has one. */
  @WithSession
  public Uni<Optional<StoredSecret>> refreshToken(String id) {
    return secrets
        .findById(new ConnectionSecretEntity.Key(id, SecretField.REFRESH_TOKEN.column()))
        .map(
            row ->
                row == null
                    ? Optional.empty()
                    : Optional.of(
                        new StoredSecret(
                            cipher.decrypt(row.ciphertext, id, SecretField.REFRESH_TOKEN),
                            row.version)));
  }

  /**
   * Replaces the refresh token only if the stored one is still the version that was redeemed, so a
   * slow refresher never overwrites a newer token. Returns whether it was written.
   */
  @WithTransaction
  public Uni<Boolean> rotateRefreshToken(String id, Secret newToken, long redeemedVersion) {
    String ciphertext = cipher.encrypt(newToken, id, SecretField.REFRESH_TOKEN);
    return secrets
        .update(
            "ciphertext = ?1, version = version + 1, updatedAt = ?2"
                + " where connectionId = ?3 and field = ?4 and version = ?5",
            ciphertext,
            now(),
            id,
            SecretField.REFRESH_TOKEN.column(),
            redeemedVersion)
        .map(n -> n == 1);
  }

  /**
   * Stores the refresh token of a new consent, whatever was stored before; audited as {@code
   * consent.complete} with {@code actor} the admin who started the consent.
   */
  public Uni<Void> storeConsentRefreshToken(String id, Secret token, Actor actor) {
    return audit.transaction(
        actor,
        () ->
            load(id)
                .chain(e -> storedFields(id))
                .call(stored -> writeSecrets(id, Map.of(SecretField.REFRESH_TOKEN, token), now()))
                .map(
                    stored ->
                        Audited.of(
                            (Void) null,
                            AuditAction.CONSENT_COMPLETE,
                            Targets.connection(id),
                            refreshTokenChange(stored.contains(SecretField.REFRESH_TOKEN), true))));
  }

  /**
   * {@code DELETE …/tokens}, the registry's part: forgets the stored refresh token (if any) and
   * records {@code tokens.drop}; the caller then drops the cached access tokens.
   */
  public Uni<Void> dropTokens(String id, Actor actor) {
    return audit.transaction(
        actor,
        () ->
            load(id)
                .chain(e -> secrets.deleteField(id, SecretField.REFRESH_TOKEN.column()))
                .map(
                    deleted ->
                        Audited.of(
                            (Void) null,
                            AuditAction.TOKENS_DROP,
                            Targets.connection(id),
                            deleted > 0 ? refreshTokenChange(true, false) : Changes.none())));
  }

  /** Forgets the refresh token if it is still the given version (a dead grant). */
  @WithTransaction
  public Uni<Void> dropRefreshToken(String id, long version) {
    return secrets
        .delete(
            "connectionId = ?1 and field = ?2 and version = ?3",
            id,
            SecretField.REFRESH_TOKEN.column(),
            version)
        .replaceWithVoid();
  }

  private Uni<ConnectionView> insert(String id, ValidConnection valid, ConnectionEntity existing) {
    if (existing != null) {
      return Uni.createFrom().failure(conflict(id));
    }
    Instant now = now();
    ConnectionEntity e = new ConnectionEntity();
    e.id = id;
    e.createdAt = now;
    e.updatedAt = now;
    copy(valid, e);
    return connections
        .persist(e)
        .chain(() -> writeSecrets(id, valid.secretsToWrite(), now))
        .chain(connections::flush)
        .map(x -> view(e, valid.secretsToWrite().keySet()));
  }

  private Uni<Audited<ConnectionView>> applyPatch(
      ConnectionEntity e, Set<SecretField> stored, JsonNode patch) {
    ConnectionView beforeView = view(e, stored);
    ConnectionSpec current = spec(e);
    JsonNode base = json.valueToTree(current);
    JsonNode patchAuth = patch.get("auth");
    boolean typeChanged =
        patchAuth != null
            && patchAuth.hasNonNull("type")
            && !patchAuth.get("type").asText().equals(e.authType);
    if (typeChanged) {
      // A new auth type starts from a clean auth object: nothing of the old one carries over.
      ((ObjectNode) base).remove("auth");
    }
    ConnectionSpec merged;
    try {
      merged = json.treeToValue(MergePatch.apply(base, patch), ConnectionSpec.class);
    } catch (JsonProcessingException ex) {
      return Uni.createFrom().failure(JsonProblems.from(ex));
    }
    if (merged.id() != null && !merged.id().equals(e.id)) {
      return Uni.createFrom().failure(GatewayProblem.validation("id", "cannot be changed"));
    }
    Set<SecretField> kept = typeChanged ? EnumSet.noneOf(SecretField.class) : copyOf(stored);
    if (patchAuth != null
        && patchAuth.has("clientSecret")
        && patchAuth.get("clientSecret").isNull()) {
      kept.remove(SecretField.CLIENT_SECRET);
    }
    ValidConnection valid = validator.validate(merged, kept);
    Set<SecretField> drop = EnumSet.noneOf(SecretField.class);
    drop.addAll(valid.secretsToDrop());
    stored.stream().filter(f -> !kept.contains(f)).forEach(drop::add);
    drop.removeAll(valid.secretsToWrite().keySet());
    Instant now = now();
    ResolvedConnection before = resolved(e);
    copy(valid, e);
    e.updatedAt = now;
    boolean credentialsChanged =
        !valid.secretsToWrite().isEmpty() || !drop.isEmpty() || !sameEndpoints(before, resolved(e));
    Set<SecretField> after = EnumSet.noneOf(SecretField.class);
    after.addAll(stored);
    after.removeAll(drop);
    after.addAll(valid.secretsToWrite().keySet());
    return dropSecrets(e.id, drop)
        .chain(() -> writeSecrets(e.id, valid.secretsToWrite(), now))
        .chain(connections::flush)
        .invoke(
            () -> {
              if (credentialsChanged) {
                changed.fire(new ConnectionChanged(e.id, false));
              }
            })
        .map(
            x -> {
              ConnectionView afterView = view(e, after);
              // drop may name fields of other auth types that were never stored
              boolean secretsChanged =
                  !valid.secretsToWrite().isEmpty() || drop.stream().anyMatch(stored::contains);
              return Audited.of(
                  afterView,
                  secretsChanged ? AuditAction.CREDENTIAL_REPLACE : AuditAction.CONNECTION_UPDATE,
                  Targets.connection(e.id),
                  withSecrets(audit.diff(beforeView, afterView), valid.secretsToWrite().keySet()));
            });
  }

  /** Marks the secrets written by a change: never a value, only that it was replaced. */
  private static Changes withSecrets(Changes changes, Set<SecretField> written) {
    written.forEach(f -> changes.secret(auditName(f)));
    return changes;
  }

  private static Changes refreshTokenChange(boolean before, boolean after) {
    return Changes.none()
        .secret("refreshToken")
        .fromTo("hasRefreshToken", BooleanNode.valueOf(before), BooleanNode.valueOf(after));
  }

  /** The admin API's name of a secret field, as the audit diff names it. */
  static String auditName(SecretField f) {
    return switch (f) {
      case CLIENT_SECRET -> "auth.clientSecret";
      case STATIC_TOKEN -> "auth.accessToken";
      case REFRESH_TOKEN -> "refreshToken";
      default -> "secret." + f.column();
    };
  }

  private Uni<Void> writeSecrets(String id, Map<SecretField, Secret> values, Instant now) {
    Uni<Void> chain = Uni.createFrom().voidItem();
    for (Map.Entry<SecretField, Secret> v : values.entrySet()) {
      String ciphertext = cipher.encrypt(v.getValue(), id, v.getKey());
      chain =
          chain.chain(
              () ->
                  secrets
                      .findById(new ConnectionSecretEntity.Key(id, v.getKey().column()))
                      .chain(
                          row -> {
                            ConnectionSecretEntity r = row;
                            if (r == null) {
                              r = new ConnectionSecretEntity();
                              r.connectionId = id;
                              r.field = v.getKey().column();
                            } else {
                              r.version++;
                            }
                            r.ciphertext = ciphertext;
                            r.updatedAt = now;
                            return secrets.persist(r).replaceWithVoid();
                          }));
    }
    return chain;
  }

  private Uni<Void> dropSecrets(String id, Set<SecretField> fields) {
    Uni<Void> chain = Uni.createFrom().voidItem();
    for (SecretField f : fields) {
      chain = chain.chain(() -> secrets.deleteField(id, f.column()).replaceWithVoid());
    }
    return chain;
  }

  private Uni<ConnectionEntity> load(String id) {
    if (!ConnectionValidator.ID.matcher(id).matches()) {
      return Uni.createFrom().failure(GatewayProblem.connectionNotFound());
    }
    return connections.findById(id).onItem().ifNull().failWith(GatewayProblem::connectionNotFound);
  }

  private Uni<Set<SecretField>> storedFields(String id) {
    return secrets
        .forConnection(id)
        .map(
            rows ->
                rows.stream()
                    .map(r -> SecretField.fromColumn(r.field))
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(SecretField.class))));
  }

  private static void copy(ValidConnection v, ConnectionEntity e) {
    e.displayName = v.displayName();
    e.orgUrl = v.orgUrl();
    e.authType = v.type().wire();
    e.tenantId = v.tenantId();
    e.clientId = v.clientId();
    e.scopes = v.scopes() == null ? null : String.join(" ", v.scopes());
    e.tokenUrl = v.tokenUrl();
    e.authorizeUrl = v.authorizeUrl();
    e.staticTokenExpiresAt = v.staticTokenExpiresAt();
  }

  /** The stored settings as a spec (no secrets): the base a merge patch applies to. */
  private static ConnectionSpec spec(ConnectionEntity e) {
    return new ConnectionSpec(
        e.id,
        e.displayName,
        e.orgUrl,
        new ConnectionSpec.Auth(
            e.authType,
            e.tenantId,
            e.clientId,
            null,
            scopes(e),
            e.tokenUrl,
            e.authorizeUrl,
            null,
            e.staticTokenExpiresAt));
  }

  static ConnectionView view(ConnectionEntity e, Set<SecretField> stored) {
    ResolvedConnection r = resolved(e);
    ConnectionView.Auth auth =
        r.type() == AuthType.STATIC_TOKEN
            ? new ConnectionView.Auth(
                r.type().wire(),
                null,
                null,
                null,
                null,
                null,
                null,
                stored.contains(SecretField.STATIC_TOKEN),
                r.staticTokenExpiresAt())
            : new ConnectionView.Auth(
                r.type().wire(),
                r.tenantId(),
                r.clientId(),
                stored.contains(SecretField.CLIENT_SECRET),
                r.scopes(),
                r.tokenUrl(),
                r.authorizeUrl(),
                null,
                null);
    return new ConnectionView(e.id, e.displayName, e.orgUrl, auth, e.createdAt, e.updatedAt);
  }

  private static boolean sameEndpoints(ResolvedConnection a, ResolvedConnection b) {
    return a.orgUrl().equals(b.orgUrl())
        && a.type() == b.type()
        && java.util.Objects.equals(a.clientId(), b.clientId())
        && java.util.Objects.equals(a.scopes(), b.scopes())
        && java.util.Objects.equals(a.tokenUrl(), b.tokenUrl())
        && java.util.Objects.equals(a.authorizeUrl(), b.authorizeUrl())
        && java.util.Objects.equals(a.staticTokenExpiresAt(), b.staticTokenExpiresAt());
  }

  static ResolvedConnection resolved(ConnectionEntity e) {
    AuthType type = AuthType.fromWire(e.authType).orElseThrow();
    boolean oauth = type != AuthType.STATIC_TOKEN;
    return new ResolvedConnection(
        e.id,
        e.orgUrl,
        type,
        e.tenantId,
        e.clientId,
        !oauth
            ? List.of()
            : scopes(e) != null ? scopes(e) : ConnectionDefaults.scopes(type, e.orgUrl),
        !oauth ? null : e.tokenUrl != null ? e.tokenUrl : ConnectionDefaults.tokenUrl(e.tenantId),
        type != AuthType.AUTHORIZATION_CODE
            ? null
            : e.authorizeUrl != null ? e.authorizeUrl : ConnectionDefaults.authorizeUrl(e.tenantId),
        e.staticTokenExpiresAt,
        e.updatedAt);
  }

  private static List<String> scopes(ConnectionEntity e) {
    return e.scopes == null ? null : Arrays.asList(e.scopes.split(" "));
  }

  private static Set<SecretField> copyOf(Set<SecretField> s) {
    EnumSet<SecretField> copy = EnumSet.noneOf(SecretField.class);
    copy.addAll(s);
    return copy;
  }

  private static GatewayProblem conflict(String id) {
    return GatewayProblem.of(ProblemCode.CONFLICT, "A connection with id '" + id + "' exists.");
  }

  private static Instant now() {
    // PostgreSQL keeps microseconds; truncating keeps responses equal to what a later read shows.
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
