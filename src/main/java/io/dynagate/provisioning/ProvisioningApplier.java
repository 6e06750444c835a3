package io.dynagate.provisioning;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynagate.apikey.ApiKeyService;
import io.dynagate.apikey.ApiKeyView;
import io.dynagate.audit.Actor;
import io.dynagate.connection.AuthType;
import io.dynagate.connection.ConnectionService;
import io.dynagate.connection.ConnectionSpec;
import io.dynagate.connection.ValidConnection;
import io.dynagate.crypto.DecryptionFailedException;
import io.dynagate.crypto.Secret;
import io.dynagate.crypto.SecretField;
import io.dynagate.grant.GrantService;
import io.dynagate.grant.GrantValidator;
import io.dynagate.grant.GrantView;
import io.dynagate.grant.Privilege;
import io.dynagate.problem.FieldError;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Converges the registry on a {@link ProvisioningPlan}: what the file lists and the store lacks is
 * created, what differs is changed, what is equal is not written at all (no {@code updatedAt}
 * moves, no cached token is dropped). Every write goes through the registry services' public
 * methods, the same ones the admin API calls, with their validation and change events.
 *
 * <p>Safe to run on several replicas at once: each step reads, compares and writes; a replica that
 * loses a race (a unique violation, a {@code conflict}) fails the attempt, and the caller runs it
 * again, which then finds the other replica's rows equal and writes nothing.
 */
@ApplicationScoped
public class ProvisioningApplier {
  private static final Logger LOG = Logger.getLogger(ProvisioningApplier.class);

  private final ConnectionService connections;
  private final GrantService grants;
  private final ApiKeyService apiKeys;

  ProvisioningApplier(ConnectionService connections, GrantService grants, ApiKeyService apiKeys) {
    this.connections = connections;
    this.grants = grants;
    this.apiKeys = apiKeys;
  }

  /** What one run changed (counts only; the INFO lines name the ids). */
  public static final class Report {
    int connectionsCreated;
    int connectionsUpdated;
    int connectionsUnchanged;
    int grantsPut;
    int grantsDeleted;
    int keysCreated;
    int keysRevoked;

    /** Whether the run wrote anything. */
    public boolean changedAnything() {
      return connectionsCreated
              + connectionsUpdated
              + grantsPut
              + grantsDeleted
              + keysCreated
              + keysRevoked
          > 0;
    }

    @Override
    public String toString() {
      return "connections created="
          + connectionsCreated
          + " updated="
          + connectionsUpdated
          + " unchanged="
          + connectionsUnchanged
          + "; grants put="
          + grantsPut
          + " deleted="
          + grantsDeleted
          + "; API keys registered="
          + keysCreated
          + " revoked="
          + keysRevoked;
    }
  }

  /**
   * Applies the plan once.
   *
   * @param prune also delete unlisted grants of the file's connections and revoke keys registered
   *     by provisioning that the file no longer lists
   */
  Uni<Report> apply(ProvisioningPlan plan, boolean prune) {
    return Uni.createFrom()
        .deferred(
            () -> {
              Report report = new Report();
              Uni<Void> chain = Uni.createFrom().voidItem();
              for (ProvisioningPlan.ConnectionPlan c : plan.connections()) {
                chain =
                    chain
                        .chain(() -> refusedAs(c.path(), connection(c, report)))
                        .chain(() -> refusedAs(c.path(), grants(c, prune, report)));
              }
              return chain.chain(() -> keys(plan, prune, report)).replaceWith(report);
            });
  }

  // --- connections

  private Uni<Void> connection(ProvisioningPlan.ConnectionPlan c, Report report) {
    return connections
        .storedSpec(c.id())
        .chain(
            stored -> {
              if (stored.isEmpty()) {
                return connections
                    .create(c.spec(), Actor.PROVISIONING)
                    .invoke(
                        v -> {
                          report.connectionsCreated++;
                          LOG.infof("provisioning: connection %s created", c.id());
                        })
                    .replaceWithVoid();
              }
              return update(c, stored.get(), report);
            });
  }

  private Uni<Void> update(ProvisioningPlan.ConnectionPlan c, ConnectionSpec stored, Report r) {
    ValidConnection want = c.valid();
    boolean typeChanged = !want.type().wire().equals(stored.auth().type());
    boolean settingsChanged = !sameSettings(want, stored);
    return secretChanges(c, typeChanged)
        .chain(
            secrets -> {
              if (!settingsChanged && secrets.isEmpty()) {
                r.connectionsUnchanged++;
                return Uni.createFrom().voidItem();
              }
              return connections
                  .patch(c.id(), patch(want, secrets), Actor.PROVISIONING)
                  .invoke(
                      v -> {
                        r.connectionsUpdated++;
                        LOG.infof(
                            "provisioning: connection %s updated (%s%s)",
                            c.id(),
                            settingsChanged ? "settings" : "",
                            secrets.isEmpty()
                                ? ""
                                : (settingsChanged ? ", " : "")
                                    + "secret "
                                    + secrets.keySet().stream()
                                        .map(SecretField::column)
                                        .sorted()
                                        .collect(Collectors.joining(", "))
                                    + " replaced");
                      })
                  .replaceWithVoid();
            });
  }

  /**
   * The secrets to write (a value) or remove (an empty value): those of the file that differ from
   * the stored ones, compared in process after the registry decrypted them, and a stored client
   * secret the file no longer has. After an auth type change every secret of the file is written;
   * so is one whose stored value cannot be decrypted any more (its key left the key ring).
   */
  private Uni<Map<SecretField, Optional<Secret>>> secretChanges(
      ProvisioningPlan.ConnectionPlan c, boolean typeChanged) {
    Map<SecretField, Secret> wanted = c.valid().secretsToWrite();
    Uni<Map<SecretField, Optional<Secret>>> chain =
        Uni.createFrom().item(new java.util.EnumMap<>(SecretField.class));
    for (SecretField field : List.of(SecretField.CLIENT_SECRET, SecretField.STATIC_TOKEN)) {
      Secret want = wanted.get(field);
      boolean removable =
          field == SecretField.CLIENT_SECRET && c.valid().type() == AuthType.AUTHORIZATION_CODE;
      if (want == null && !removable) {
        continue;
      }
      chain =
          chain.chain(
              changes ->
                  connections
                      .secret(c.id(), field)
                      // stored under a key the ring no longer has: the file's value replaces it
                      .onFailure(DecryptionFailedException.class)
                      .recoverWithItem(Optional.empty())
                      .map(
                          stored -> {
                            if (want == null) {
                              if (stored.isPresent() && !typeChanged) {
                                changes.put(field, Optional.empty());
                              }
                            } else if (typeChanged || !stored.map(want::equals).orElse(false)) {
                              changes.put(field, Optional.of(want));
                            }
                            return changes;
                          }));
    }
    return chain;
  }

  private static boolean sameSettings(ValidConnection want, ConnectionSpec stored) {
    ConnectionSpec.Auth a = stored.auth();
    return Objects.equals(want.displayName(), stored.displayName())
        && Objects.equals(want.orgUrl(), stored.orgUrl())
        && want.type().wire().equals(a.type())
        && Objects.equals(want.tenantId(), a.tenantId())
        && Objects.equals(want.clientId(), a.clientId())
        && Objects.equals(want.scopes(), a.scopes())
        && Objects.equals(want.tokenUrl(), a.tokenUrl())
        && Objects.equals(want.authorizeUrl(), a.authorizeUrl())
        && Objects.equals(micros(want.staticTokenExpiresAt()), micros(a.expiresAt()));
  }

  /** A merge patch that makes the stored connection equal to the file's. */
  private static ObjectNode patch(
      ValidConnection want, Map<SecretField, Optional<Secret>> secrets) {
    ObjectNode p = JsonNodeFactory.instance.objectNode();
    text(p, "displayName", want.displayName());
    p.put("orgUrl", want.orgUrl());
    ObjectNode auth = p.putObject("auth");
    auth.put("type", want.type().wire());
    if (want.type() == AuthType.STATIC_TOKEN) {
      Instant expires = micros(want.staticTokenExpiresAt());
      text(auth, "expiresAt", expires == null ? null : expires.toString());
      secrets
          .getOrDefault(SecretField.STATIC_TOKEN, Optional.empty())
          .ifPresent(s -> auth.put("accessToken", s.reveal()));
    } else {
      text(auth, "tenantId", want.tenantId());
      text(auth, "clientId", want.clientId());
      if (want.scopes() == null) {
        auth.putNull("scopes");
      } else {
        ArrayNode scopes = auth.putArray("scopes");
        want.scopes().forEach(scopes::add);
      }
      text(auth, "tokenUrl", want.tokenUrl());
      text(auth, "authorizeUrl", want.authorizeUrl());
      Optional<Secret> clientSecret = secrets.get(SecretField.CLIENT_SECRET);
      if (clientSecret != null) {
        if (clientSecret.isPresent()) {
          auth.put("clientSecret", clientSecret.get().reveal());
        } else {
          auth.putNull("clientSecret");
        }
      }
    }
    return p;
  }

  private static void text(ObjectNode node, String field, String value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }

  private static Instant micros(Instant i) {
    return i == null ? null : i.truncatedTo(ChronoUnit.MICROS);
  }

  // --- grants

  private Uni<Void> grants(ProvisioningPlan.ConnectionPlan c, boolean prune, Report r) {
    return grants
        .list(c.id())
        .chain(
            existing -> {
              Map<String, GrantView> byPrincipal =
                  existing.stream()
                      .collect(Collectors.toMap(GrantView::principal, Function.identity()));
              Uni<Void> chain = Uni.createFrom().voidItem();
              for (var want : c.validGrants().entrySet()) {
                String principal = want.getKey();
                GrantView have = byPrincipal.get(principal);
                if (have != null && same(want.getValue(), have)) {
                  continue;
                }
                chain =
                    chain.chain(
                        () ->
                            grants
                                .put(
                                    c.id(),
                                    principal,
                                    c.grants().get(principal),
                                    Actor.PROVISIONING)
                                .invoke(
                                    g -> {
                                      r.grantsPut++;
                                      LOG.infof(
                                          "provisioning: grant %s on %s %s (%s)",
                                          principal,
                                          c.id(),
                                          have == null ? "created" : "changed",
                                          g.access());
                                    })
                                .replaceWithVoid());
              }
              if (prune) {
                for (String principal : byPrincipal.keySet()) {
                  if (!c.validGrants().containsKey(principal)) {
                    chain = chain.chain(() -> pruneGrant(c.id(), principal, r));
                  }
                }
              }
              return chain;
            });
  }

  private Uni<Void> pruneGrant(String connection, String principal, Report r) {
    return grants
        .delete(connection, principal, Actor.PROVISIONING)
        .invoke(
            () -> {
              r.grantsDeleted++;
              LOG.infof(
                  "provisioning: grant %s on %s deleted (not in the file; prune is on)",
                  principal, connection);
            })
        // another replica pruned it first
        .onFailure(e -> e instanceof GatewayProblem p && p.code() == ProblemCode.NOT_FOUND)
        .recoverWithNull()
        .replaceWithVoid();
  }

  private static boolean same(GrantValidator.Valid want, GrantView have) {
    return want.access().wire().equals(have.access())
        && Objects.equals(want.entitySets(), have.entitySets())
        && want.impersonation() == have.impersonation()
        && want.privileges().stream().map(Privilege::wire).toList().equals(have.privileges());
  }

  // --- API keys

  private Uni<Void> keys(ProvisioningPlan plan, boolean prune, Report r) {
    Set<String> listed = new HashSet<>();
    Uni<Void> chain = Uni.createFrom().voidItem();
    for (ProvisioningPlan.KeyPlan k : plan.keys()) {
      chain =
          chain.chain(
              () ->
                  refusedAs(
                      k.path(),
                      apiKeys
                          .register(k.spec(), k.keyHash(), Actor.PROVISIONING)
                          .invoke(
                              reg -> {
                                ApiKeyView key = reg.key();
                                listed.add(key.id());
                                if (reg.created()) {
                                  r.keysCreated++;
                                  LOG.infof(
                                      "provisioning: API key %s registered for %s",
                                      key.id(), key.principal());
                                } else if (key.revokedAt() != null) {
                                  LOG.warnf(
                                      "provisioning: %s is key %s, revoked at %s; a revoked key"
                                          + " is not restored: put a new key's hash in the file",
                                      k.path(), key.id(), key.revokedAt());
                                }
                              })
                          .replaceWithVoid()));
    }
    if (!prune) {
      return chain;
    }
    return chain
        .chain(apiKeys::registered)
        .chain(
            registered -> {
              Uni<Void> revoke = Uni.createFrom().voidItem();
              for (ApiKeyView key : registered) {
                if (!listed.contains(key.id())) {
                  revoke =
                      revoke.chain(
                          () ->
                              apiKeys
                                  .revoke(key.id(), Actor.PROVISIONING)
                                  .invoke(
                                      () -> {
                                        r.keysRevoked++;
                                        LOG.infof(
                                            "provisioning: API key %s of %s revoked (not in the"
                                                + " file; prune is on)",
                                            key.id(), key.principal());
                                      }));
                }
              }
              return revoke;
            });
  }

  /** A validation failure of a service, as a refusal of the file entry at {@code path}. */
  private static <T> Uni<T> refusedAs(String path, Uni<T> step) {
    return step.onFailure(
            e -> e instanceof GatewayProblem p && p.code() == ProblemCode.VALIDATION_FAILED)
        .transform(
            e -> {
              GatewayProblem p = (GatewayProblem) e;
              List<FieldError> errors =
                  p.errors().isEmpty()
                      ? List.of(new FieldError(path, p.detail()))
                      : p.errors().stream()
                          .map(f -> new FieldError(path + "." + f.field(), f.message()))
                          .toList();
              return new Refused(errors);
            });
  }

  /** An entry the registry refused while the plan was applied. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<FieldError> errors;

    Refused(List<FieldError> errors) {
      super("refused", null, false, false);
      this.errors = errors;
    }

    List<FieldError> errors() {
      return errors;
    }
  }
}
