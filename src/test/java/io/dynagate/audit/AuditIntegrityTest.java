package io.dynagate.audit;

import static io.dynagate.audit.AuditApi.items;
import static io.dynagate.audit.AuditApi.requestId;
import static io.dynagate.support.Admin.admin;
import static io.dynagate.support.Admin.clientCredentials;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.connection.ConnectionService;
import io.dynagate.connection.ConnectionSpec;
import io.dynagate.crypto.EncryptionKeyRing;
import io.dynagate.crypto.SecretCipher;
import io.dynagate.crypto.SecretField;
import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.Consent;
import io.dynagate.support.Db;
import io.dynagate.support.LeakScan;
import io.dynagate.support.LogCapture;
import io.dynagate.support.Sandbox;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.vertx.RunOnVertxContext;
import io.quarkus.test.vertx.UniAsserter;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit trail holds no secret (table and log lines searched for every planted or issued
 * secret), and a change and its record commit or roll back together.
 */
@QuarkusTest
class AuditIntegrityTest {
  @Inject SandboxLifecycle sandboxLifecycle;
  @Inject RedisDataSource redis;
  @Inject ConnectionService connections;
  @Inject com.fasterxml.jackson.databind.ObjectMapper json;

  private Sandbox sandbox;
  private AuditApi admin;
  private LogCapture logs;
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void setUp() {
    sandbox = Sandbox.cleanSlate(sandboxLifecycle, redis);
    admin = AuditApi.newAdmin("integrity");
    logs = LogCapture.install();
  }

  @AfterEach
  void tearDown() {
    logs.uninstall();
  }

  private Map<String, Object> patchBody(Map<String, Object> auth) {
    return Map.of("auth", auth);
  }

  @Test
  void neitherTheAuditTableNorTheAuditLogHoldsASecret() {
    LeakScan scan = new LeakScan();
    // client secret, then replaced
    String cc = "leak-cc-" + suffix;
    admin
        .as(requestId())
        .body(clientCredentials(cc, scan.plant("client-secret")))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
    admin
        .as(requestId())
        .contentType("application/merge-patch+json")
        .body(patchBody(Map.of("clientSecret", scan.plant("client-secret-2"))))
        .patch("/admin/v1/connections/" + cc)
        .then()
        .statusCode(200);
    // static token, replaced, then the connection turned into client credentials
    String st = "leak-st-" + suffix;
    admin
        .as(requestId())
        .body(
            Map.of(
                "id",
                st,
                "orgUrl",
                sandbox.baseUrl(),
                "auth",
                Map.of("type", "static_token", "accessToken", scan.plant("static-token"))))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
    admin
        .as(requestId())
        .contentType("application/merge-patch+json")
        .body(patchBody(Map.of("accessToken", scan.plant("static-token-2"))))
        .patch("/admin/v1/connections/" + st)
        .then()
        .statusCode(200);
    admin
        .as(requestId())
        .contentType("application/merge-patch+json")
        .body(
            patchBody(
                Map.of(
                    "type", "client_credentials",
                    "tenantId", "00000000-0000-0000-0000-0000000000aa",
                    "clientId", "app",
                    "clientSecret", scan.plant("client-secret-3"))))
        .patch("/admin/v1/connections/" + st)
        .then()
        .statusCode(200);
    // a private key (certificate credentials are planned, not accepted yet): refused, not stored
    Map<String, Object> withKey =
        new java.util.HashMap<>(clientCredentials("leak-pk-" + suffix, "x"));
    withKey.put(
        "auth",
        Map.of(
            "type",
            "client_credentials",
            "tenantId",
            "00000000-0000-0000-0000-0000000000aa",
            "clientId",
            "app",
            "credential",
            Map.of("kind", "certificate", "privateKey", scan.plant("private-key"))));
    admin.as(requestId()).body(withKey).post("/admin/v1/connections").then().statusCode(400);
    // consent: a refresh token is stored, then dropped
    String dc = "leak-dc-" + suffix;
    admin
        .as(requestId())
        .body(Consent.delegatedConnection(dc, sandbox))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
    scan.secret("sandbox client secret", "sandbox-secret");
    String callback = Consent.decide(Consent.start(admin.as(requestId()), dc), "accept");
    Consent.callback(callback, requestId()).then().statusCode(200);
    scan.secret("refresh token", storedRefreshToken(dc));
    admin.as(requestId()).delete("/admin/v1/connections/" + dc + "/tokens").then().statusCode(204);
    // API keys: the key and its hash
    var key =
        admin
            .as(requestId())
            .body(Map.of("principal", "engine-" + suffix))
            .post("/admin/v1/api-keys")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    scan.secret("api key", key.getString("key"));
    scan.secret(
        "api key hash",
        Db.rows("select key_hash from api_keys where id = ?", key.getString("id")).get(0).get(0));
    scan.secret("admin api key", admin.key);
    admin
        .as(requestId())
        .delete("/admin/v1/api-keys/" + key.getString("id"))
        .then()
        .statusCode(204);
    admin.as(requestId()).post("/admin/v1/encryption-keys/rotate").then().statusCode(200);
    admin.as(requestId()).delete("/admin/v1/connections/" + cc).then().statusCode(204);

    // every column of every row, and every audit log line
    String table =
        Db.rows("select * from audit_events").stream()
            .map(List::toString)
            .collect(Collectors.joining("\n"));
    List<String> auditLines =
        logs.text().lines().filter(l -> l.contains(" " + AuditTrail.LOGGER + " ")).toList();
    List<String> actions =
        items("connection:" + st).stream().map(i -> (String) i.get("action")).toList();
    assertEquals(List.of("credential.replace", "credential.replace", "connection.create"), actions);
    assertTrue(auditLines.size() >= 12, "one audit line per change, got " + auditLines.size());
    scan.record(admin().queryParam("limit", 500).get(AuditApi.PATH));
    scan.assertNotIn("the audit table", table);
    scan.assertNotIn("the audit log lines", String.join("\n", auditLines));
    scan.assertNoLeak(logs.text(), "");
  }

  private static String storedRefreshToken(String connectionId) {
    String keys = ConfigProvider.getConfig().getValue("dynagate.encryption-keys", String.class);
    SecretCipher cipher = new SecretCipher(EncryptionKeyRing.parse(keys));
    String ciphertext =
        Db.rows(
                "select ciphertext from connection_secrets where connection_id = ? and field ="
                    + " 'refresh_token'",
                connectionId)
            .get(0)
            .get(0);
    return cipher.decrypt(ciphertext, connectionId, SecretField.REFRESH_TOKEN).reveal();
  }

  @Test
  void recordsCannotBeUpdated() {
    String id = "frozen-" + suffix;
    admin.as(requestId()).body(clientCredentials(id, "s3cret-f")).post("/admin/v1/connections");
    IllegalStateException refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class,
            () ->
                Db.update(
                    "update audit_events set principal = 'someone-else' where target = ?",
                    Targets.connection(id)));
    assertTrue(refused.getCause().getMessage().contains("append-only"));
    assertEquals(admin.principal, items(Targets.connection(id)).get(0).get("principal"));
  }

  @Test
  void aDuplicateCreateIs409AndRecordsNothing() {
    String id = "dup-" + suffix;
    admin.as(requestId()).body(clientCredentials(id, "s3cret-1")).post("/admin/v1/connections");
    admin
        .as(requestId())
        .body(clientCredentials(id, "s3cret-2"))
        .post("/admin/v1/connections")
        .then()
        .statusCode(409);
    assertEquals(1, items(Targets.connection(id)).size());
  }

  @Test
  void refusedChangesRecordNothing() {
    String id = "refused-" + suffix;
    admin.as(requestId()).body(clientCredentials(id, "s3cret-1")).post("/admin/v1/connections");
    admin
        .as(requestId())
        .contentType("application/merge-patch+json")
        .body(Map.of("orgUrl", "http://evil.example.org"))
        .patch("/admin/v1/connections/" + id)
        .then()
        .statusCode(400);
    admin
        .as(requestId())
        .delete("/admin/v1/connections/" + id + "/grants/nobody")
        .then()
        .statusCode(404);
    admin
        .as(requestId())
        .body(Map.of("access", "everything"))
        .put("/admin/v1/connections/" + id + "/grants/engine-1")
        .then()
        .statusCode(400);
    admin.as(requestId()).delete("/admin/v1/api-keys/no-such-key").then().statusCode(404);
    assertEquals(1, items(Targets.connection(id)).size(), "only the create");
    assertTrue(items(Targets.grant(id, "nobody")).isEmpty());
    assertTrue(items(Targets.grant(id, "engine-1")).isEmpty());
    assertTrue(items(Targets.apiKey("no-such-key")).isEmpty());
  }

  /**
   * The record is written in the change's transaction: when it cannot be written (a principal
   * longer than the column), the connection written before it in that transaction is gone too, and
   * no audit line says it was done.
   */
  @Test
  @RunOnVertxContext
  void whenTheRecordFailsTheChangeRollsBack(UniAsserter asserter) {
    String id = "rollback-" + suffix;
    ConnectionSpec spec =
        json.convertValue(clientCredentials(id, "s3cret-rb"), ConnectionSpec.class);
    Actor tooLong = new Actor("p".repeat(300), null);
    asserter.assertFailedWith(() -> connections.create(spec, tooLong), e -> {});
    asserter.execute(
        () -> {
          assertTrue(Db.rows("select id from connections where id = ?", id).isEmpty());
          assertTrue(
              Db.rows("select 1 from audit_events where target = ?", Targets.connection(id))
                  .isEmpty());
          assertFalse(logs.text().contains("connection:" + id), "no audit line");
        });
    // the same call with a proper actor commits both
    asserter.assertThat(() -> connections.create(spec, Actor.PROVISIONING), v -> {});
    asserter.execute(
        () -> {
          assertEquals(1, Db.rows("select id from connections where id = ?", id).size());
          List<List<String>> rows =
              Db.rows(
                  "select principal, request_id, action from audit_events where target = ?",
                  Targets.connection(id));
          assertEquals(
              List.of(java.util.Arrays.asList("provisioning", null, "connection.create")), rows);
          assertTrue(
              logs.text()
                  .lines()
                  .anyMatch(l -> l.contains(AuditTrail.LOGGER) && l.contains("connection:" + id)));
        });
  }
}
