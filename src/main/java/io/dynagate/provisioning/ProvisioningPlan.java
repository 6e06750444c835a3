package io.dynagate.provisioning;

import io.dynagate.apikey.ApiKeyService;
import io.dynagate.apikey.ApiKeySpec;
import io.dynagate.config.PrincipalNames;
import io.dynagate.connection.ConnectionSpec;
import io.dynagate.connection.ConnectionValidator;
import io.dynagate.connection.ValidConnection;
import io.dynagate.crypto.Secret;
import io.dynagate.grant.GrantSpec;
import io.dynagate.grant.GrantValidator;
import io.dynagate.problem.FieldError;
import io.dynagate.problem.GatewayProblem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A provisioning file with its secrets resolved and every entry checked by the rules of the admin
 * API (the same validators, so the messages are the same, prefixed with the entry's path). Built
 * before anything is written: a file with one bad entry applies nothing.
 */
record ProvisioningPlan(Path file, List<ConnectionPlan> connections, List<KeyPlan> keys) {

  /** A connection to converge, with its grants by principal (in file order). */
  record ConnectionPlan(
      int index,
      ConnectionSpec spec,
      ValidConnection valid,
      Map<String, GrantSpec> grants,
      Map<String, GrantValidator.Valid> validGrants) {
    String id() {
      return spec.id();
    }

    String path() {
      return "connections[" + index + "]";
    }
  }

  /** An API key to register: principal, roles and the lower-case hex SHA-256 of the key. */
  record KeyPlan(int index, ApiKeySpec spec, String keyHash) {
    String path() {
      return "apiKeys[" + index + "]";
    }
  }

  /**
   * Reads, resolves and checks the file.
   *
   * @throws ProvisioningRefused listing every problem found
   */
  static ProvisioningPlan load(
      Path file, ConnectionValidator validator, UnaryOperator<String> env) {
    return of(file, ProvisioningFile.read(file), validator, env);
  }

  static ProvisioningPlan of(
      Path file,
      ProvisioningFile parsed,
      ConnectionValidator validator,
      UnaryOperator<String> env) {
    List<FieldError> errors = new ArrayList<>();
    List<ConnectionPlan> connections = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < parsed.connections().size(); i++) {
      String at = "connections[" + i + "]";
      ProvisioningFile.Connection c = parsed.connections().get(i);
      if (c == null) {
        errors.add(new FieldError(at, "is empty"));
        continue;
      }
      if (c.id() == null) {
        errors.add(new FieldError(at + ".id", "is required (a provisioned connection is named)"));
      } else if (!ids.add(c.id())) {
        errors.add(new FieldError(at + ".id", "is listed twice"));
      }
      connection(i, at, c, validator, env, errors).ifPresent(connections::add);
    }
    List<KeyPlan> keys = new ArrayList<>();
    Set<String> hashes = new HashSet<>();
    for (int i = 0; i < parsed.apiKeys().size(); i++) {
      String at = "apiKeys[" + i + "]";
      ProvisioningFile.ApiKey k = parsed.apiKeys().get(i);
      if (k == null) {
        errors.add(new FieldError(at, "is empty"));
        continue;
      }
      key(i, at, k, env, errors)
          .ifPresent(
              plan -> {
                if (!hashes.add(plan.keyHash())) {
                  errors.add(new FieldError(at + ".keyHash", "is listed twice"));
                }
                keys.add(plan);
              });
    }
    if (!errors.isEmpty()) {
      throw ProvisioningRefused.of(file, errors);
    }
    return new ProvisioningPlan(file, List.copyOf(connections), List.copyOf(keys));
  }

  private static Optional<ConnectionPlan> connection(
      int index,
      String at,
      ProvisioningFile.Connection c,
      ConnectionValidator validator,
      UnaryOperator<String> env,
      List<FieldError> errors) {
    int before = errors.size();
    ProvisioningFile.Auth a = c.auth();
    ConnectionSpec.Auth auth = null;
    if (a != null) {
      Secret clientSecret = secret(a.clientSecret(), at + ".auth.clientSecret", env, errors);
      Secret accessToken = secret(a.accessToken(), at + ".auth.accessToken", env, errors);
      auth =
          new ConnectionSpec.Auth(
              a.type(),
              a.tenantId(),
              a.clientId(),
              clientSecret,
              a.scopes(),
              a.tokenUrl(),
              a.authorizeUrl(),
              accessToken,
              a.expiresAt());
    }
    ConnectionSpec spec = new ConnectionSpec(c.id(), c.displayName(), c.orgUrl(), auth);
    ValidConnection valid = null;
    if (errors.size() == before) { // an unresolved secret would read as "missing" below
      try {
        valid = validator.validate(spec, Set.of());
      } catch (GatewayProblem p) {
        prefixed(at, p, errors);
      }
    }
    Map<String, GrantSpec> grants = new LinkedHashMap<>();
    Map<String, GrantValidator.Valid> validGrants = new LinkedHashMap<>();
    if (c.grants() != null) {
      c.grants()
          .forEach(
              (principal, g) -> {
                String gat = at + ".grants." + ProvisioningRefused.printable(principal);
                if (!PrincipalNames.isValid(principal)) {
                  errors.add(new FieldError(gat, "principal: " + PrincipalNames.RULE));
                  return;
                }
                if (g == null) {
                  errors.add(new FieldError(gat, "is empty: give at least access"));
                  return;
                }
                GrantSpec grant =
                    new GrantSpec(g.access(), g.entitySets(), g.impersonation(), g.privileges());
                try {
                  validGrants.put(principal, GrantValidator.validate(grant));
                  grants.put(principal, grant);
                } catch (GatewayProblem p) {
                  prefixed(gat, p, errors);
                }
              });
    }
    if (errors.size() != before) {
      return Optional.empty();
    }
    return Optional.of(new ConnectionPlan(index, spec, valid, grants, validGrants));
  }

  private static Optional<KeyPlan> key(
      int index,
      String at,
      ProvisioningFile.ApiKey k,
      UnaryOperator<String> env,
      List<FieldError> errors) {
    int before = errors.size();
    String hash = null;
    if (k.keyHash() == null) {
      errors.add(new FieldError(at + ".keyHash", "is required"));
    } else {
      // a hash is not the key: it may be written into the file
      hash = k.keyHash().resolve(at + ".keyHash", true, env, errors).orElse(null);
    }
    ApiKeySpec spec = new ApiKeySpec(k.principal(), k.roles());
    if (errors.size() == before) {
      try {
        ApiKeyService.checkRegistration(spec, hash);
      } catch (GatewayProblem p) {
        prefixed(at, p, errors);
      }
    }
    if (errors.size() != before) {
      return Optional.empty();
    }
    return Optional.of(new KeyPlan(index, spec, hash.toLowerCase(Locale.ROOT)));
  }

  private static Secret secret(
      SecretRef ref, String field, UnaryOperator<String> env, List<FieldError> errors) {
    if (ref == null) {
      return null;
    }
    return ref.resolve(field, false, env, errors).map(Secret::of).orElse(null);
  }

  private static void prefixed(String at, GatewayProblem p, List<FieldError> errors) {
    if (p.errors().isEmpty()) {
      errors.add(new FieldError(at, p.detail()));
    }
    p.errors().forEach(e -> errors.add(new FieldError(at + "." + e.field(), e.message())));
  }
}
