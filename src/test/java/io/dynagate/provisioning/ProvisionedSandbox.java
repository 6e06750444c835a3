package io.dynagate.provisioning;

import io.dynagate.apikey.ApiKeys;
import io.dynagate.sandbox.SandboxOptions;
import io.dynagate.sandbox.SandboxServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A sandbox of its own (random port, a client secret planted for the run) and a provisioning file
 * under {@code target/} pointing at it, written before the gateway starts; the gateway is pointed
 * at the file. The registry tables are emptied first, so the start is the first provisioning.
 *
 * <p>The file provisions connection {@link #CC} (client credentials; its secret is a {@code
 * {file:}} reference whose file ends in a newline) with a read grant for {@link #ENGINE},
 * connection {@link #STATIC} (static token from {@code {env:
 * DYNAGATE_TEST_PROVISIONED_STATIC_TOKEN}}, set by surefire) and the hash of {@link #engineKey()}
 * (a literal: a hash is not a secret).
 */
public class ProvisionedSandbox implements QuarkusTestResourceLifecycleManager {
  static final String CC = "prov-cc";
  static final String STATIC = "prov-static";
  static final String ENGINE = "engine";
  static final String STATIC_TOKEN_ENV = "DYNAGATE_TEST_PROVISIONED_STATIC_TOKEN";

  private static volatile ProvisionedSandbox current;

  private Vertx vertx;
  private SandboxServer server;
  private Path dir;
  private String clientSecret;
  private String engineKey;

  /** The resource of the running test class. */
  static ProvisionedSandbox current() {
    return current;
  }

  @Override
  public Map<String, String> start() {
    emptyRegistry();
    clientSecret = "prov-client-secret-" + UUID.randomUUID();
    engineKey = ApiKeys.generate();
    vertx = Vertx.vertx();
    try {
      SandboxOptions d = SandboxOptions.defaults();
      server =
          SandboxServer.start(
                  vertx,
                  new SandboxOptions(
                      d.host(), 0, d.clientId(), clientSecret, d.tokenLifetime(), Optional.empty()))
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      dir = Files.createDirectories(Path.of("target", "provisioning-test", UUID.randomUUID() + ""));
      writeSecretFile("client-secret", clientSecret + "\n");
      writeFile(file(Map.of()));
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("provisioning test set-up failed", e);
    }
    current = this;
    return Map.of(
        "dynagate.provisioning.file",
        provisioningFile().toAbsolutePath().toString(),
        "dynagate.sandbox.enabled",
        "false");
  }

  @Override
  public void stop() {
    current = null;
    if (vertx != null) {
      server.close().toCompletionStage().toCompletableFuture().join();
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  String baseUrl() {
    return server.baseUrl();
  }

  String clientSecret() {
    return clientSecret;
  }

  /** The API key whose hash the file lists for {@link #ENGINE}. */
  String engineKey() {
    return engineKey;
  }

  Path provisioningFile() {
    return dir.resolve("provisioning.yaml");
  }

  /** Writes a file a {@code {file:}} reference can name; returns its absolute path. */
  Path writeSecretFile(String name, String content) {
    Path p = dir.resolve(name).toAbsolutePath();
    try {
      Files.writeString(p, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  void writeFile(String yaml) {
    try {
      Files.writeString(provisioningFile(), yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The provisioning file; {@code overrides} replace placeholders: {@code displayName}, {@code
   * clientSecretRef}, {@code staticTokenRef}, {@code engineAccess}, {@code moreGrants} (extra grant
   * lines of {@link #CC}), {@code moreKeys} (extra apiKeys entries).
   */
  String file(Map<String, String> overrides) {
    Map<String, String> v =
        new java.util.HashMap<>(
            Map.of(
                "displayName", "Provisioned sandbox",
                "clientSecretRef", "{file: " + dir.resolve("client-secret").toAbsolutePath() + "}",
                "staticTokenRef", "{env: " + STATIC_TOKEN_ENV + "}",
                "engineAccess", "read",
                "moreGrants", "",
                "moreKeys", ""));
    v.putAll(overrides);
    return """
        # written by ProvisionedSandbox
        connections:
          - id: %1$s
            displayName: %3$s
            orgUrl: %4$s
            auth:
              type: client_credentials
              clientId: sandbox-client
              clientSecret: %5$s
              tokenUrl: %4$s/sandbox-tenant/oauth2/v2.0/token
              scopes: [%4$s/.default]
            grants:
              engine:
                access: %7$s
        %8$s
          - id: %2$s
            orgUrl: %4$s
            auth:
              type: static_token
              accessToken: %6$s
            grants:
              engine: {access: read, entitySets: [accounts]}
        apiKeys:
          - principal: engine
            roles: [caller]
            keyHash: %9$s
        %10$s
        """
        .formatted(
            CC,
            STATIC,
            v.get("displayName"),
            server.baseUrl(),
            v.get("clientSecretRef"),
            v.get("staticTokenRef"),
            v.get("engineAccess"),
            v.get("moreGrants"),
            ApiKeys.hashHex(engineKey),
            v.get("moreKeys"));
  }

  /** Empties the registry of the test database before the gateway starts (if it has tables). */
  private static void emptyRegistry() {
    String url =
        Optional.ofNullable(System.getenv("_TEST_QUARKUS_DATASOURCE_JDBC_URL"))
            .orElse("jdbc:postgresql://localhost:5432/dynagate_test");
    try (var c = DriverManager.getConnection(url, "postgres", "");
        var s = c.createStatement()) {
      s.execute("truncate table grants, connection_secrets, connections, api_keys");
    } catch (SQLException e) {
      if (!"42P01".equals(e.getSQLState())) { // a fresh database: Flyway has not run yet
        throw new IllegalStateException("could not empty the registry", e);
      }
    }
  }
}
