package io.dynagate.audit;

import static io.dynagate.audit.AuditApi.changed;
import static io.dynagate.audit.AuditApi.changes;
import static io.dynagate.audit.AuditApi.fromTo;
import static io.dynagate.audit.AuditApi.items;
import static io.dynagate.audit.AuditApi.requestId;
import static io.dynagate.audit.AuditApi.to;
import static io.dynagate.support.Admin.admin;
import static io.dynagate.support.Admin.clientCredentials;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.Consent;
import io.dynagate.support.Db;
import io.dynagate.support.Sandbox;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each of the eleven admin actions, made through the admin API by an admin of its own with an
 * {@code X-Request-Id}, leaves one audit item naming that admin, that request, the target and the
 * field-level diff.
 */
@QuarkusTest
class AuditActionsTest {
  @Inject SandboxLifecycle sandboxLifecycle;
  @Inject RedisDataSource redis;

  private Sandbox sandbox;
  private AuditApi admin;
  private String id;

  @BeforeEach
  void setUp() {
    sandbox = Sandbox.cleanSlate(sandboxLifecycle, redis);
    admin = AuditApi.newAdmin("auditor");
    id = "audit-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private String target() {
    return Targets.connection(id);
  }

  private void create(String requestId) {
    admin
        .as(requestId)
        .body(clientCredentials(id, "first-secret-" + UUID.randomUUID()))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
  }

  @Test
  void connectionCreateRecordsEveryFieldAsToAndTheSecretOnlyAsChanged() {
    String rq = requestId();
    create(rq);
    Map<String, Object> changes = changes(admin.latest(target(), "connection.create", rq));
    assertEquals(to(id), changes.get("id"));
    assertEquals(to("Contoso " + id), changes.get("displayName"));
    assertEquals(to("https://" + id + ".crm4.dynamics.com"), changes.get("orgUrl"));
    assertEquals(to("client_credentials"), changes.get("auth.type"));
    assertEquals(to("11111111-2222-3333-4444-555555555555"), changes.get("auth.clientId"));
    assertEquals(to(true), changes.get("auth.hasClientSecret"));
    assertEquals(changed(), changes.get("auth.clientSecret"));
    changes.values().forEach(c -> assertFalse(((Map<?, ?>) c).containsKey("from"), "a create"));
  }

  @Test
  void connectionUpdateRecordsOnlyTheChangedFieldsFromAndTo() {
    create(requestId());
    String rq = requestId();
    admin
        .as(rq)
        .contentType("application/merge-patch+json")
        .body(Map.of("displayName", "Contoso (EU)"))
        .patch("/admin/v1/connections/" + id)
        .then()
        .statusCode(200);
    Map<String, Object> item = admin.latest(target(), "connection.update", rq);
    assertEquals(Map.of("displayName", fromTo("Contoso " + id, "Contoso (EU)")), changes(item));
  }

  @Test
  void aPatchThatReplacesTheClientSecretIsCredentialReplace() {
    create(requestId());
    String rq = requestId();
    admin
        .as(rq)
        .contentType("application/merge-patch+json")
        .body(Map.of("auth", Map.of("clientSecret", "second-secret-" + UUID.randomUUID())))
        .patch("/admin/v1/connections/" + id)
        .then()
        .statusCode(200);
    Map<String, Object> item = admin.latest(target(), "credential.replace", rq);
    assertEquals(Map.of("auth.clientSecret", changed()), changes(item));

    // another auth type removes it: the new secret is marked, the old flag goes
    String retype = requestId();
    admin
        .as(retype)
        .contentType("application/merge-patch+json")
        .body(
            Map.of(
                "auth", Map.of("type", "static_token", "accessToken", "tok-" + UUID.randomUUID())))
        .patch("/admin/v1/connections/" + id)
        .then()
        .statusCode(200);
    Map<String, Object> retyped = changes(admin.latest(target(), "credential.replace", retype));
    assertEquals(changed(), retyped.get("auth.accessToken"));
    assertEquals(fromTo(true, null), retyped.get("auth.hasClientSecret"));
    assertEquals(fromTo(null, true), retyped.get("auth.hasAccessToken"));
    assertEquals(fromTo("client_credentials", "static_token"), retyped.get("auth.type"));
  }

  @Test
  void connectionDeleteRecordsTheDeletedFieldsAsFrom() {
    create(requestId());
    String rq = requestId();
    admin.as(rq).delete("/admin/v1/connections/" + id).then().statusCode(204);
    Map<String, Object> changes = changes(admin.latest(target(), "connection.delete", rq));
    assertEquals(Map.of("from", "Contoso " + id), changes.get("displayName"));
    assertEquals(Map.of("from", true), changes.get("auth.hasClientSecret"));
    changes.values().forEach(c -> assertFalse(((Map<?, ?>) c).containsKey("to"), "a delete"));
  }

  /** "Who gave this engine write access, and when?" */
  @Test
  void grantPutShowsWhoRaisedReadToWrite() {
    create(requestId());
    String grant = Targets.grant(id, "engine-1");
    String first = requestId();
    admin
        .as(first)
        .body(Map.of("access", "read"))
        .put("/admin/v1/connections/" + id + "/grants/engine-1")
        .then()
        .statusCode(200);
    Map<String, Object> created = changes(admin.latest(grant, "grant.put", first));
    assertEquals(to("read"), created.get("access"));
    assertEquals(to("engine-1"), created.get("principal"));
    assertEquals(to(false), created.get("impersonation"));

    String second = requestId();
    admin
        .as(second)
        .body(Map.of("access", "write", "entitySets", List.of("accounts")))
        .put("/admin/v1/connections/" + id + "/grants/engine-1")
        .then()
        .statusCode(200);
    Map<String, Object> raised = admin.latest(grant, "grant.put", second);
    assertEquals(
        Map.of("access", fromTo("read", "write"), "entitySets", fromTo(null, List.of("accounts"))),
        changes(raised));

    // the question as a reviewer asks it: the items of the grant, newest first
    Map<String, Object> answer =
        items(grant).stream()
            .filter(i -> fromTo("read", "write").equals(changes(i).get("access")))
            .findFirst()
            .orElseThrow();
    assertEquals(admin.principal, answer.get("principal"));
    assertNotNull(answer.get("at"));
  }

  @Test
  void grantDeleteRecordsTheGrantAsItWas() {
    create(requestId());
    admin
        .as(requestId())
        .body(Map.of("access", "full", "impersonation", true))
        .put("/admin/v1/connections/" + id + "/grants/group:ops")
        .then()
        .statusCode(200);
    String rq = requestId();
    admin.as(rq).delete("/admin/v1/connections/" + id + "/grants/group:ops").then().statusCode(204);
    Map<String, Object> changes =
        changes(admin.latest(Targets.grant(id, "group:ops"), "grant.delete", rq));
    assertEquals(Map.of("from", "full"), changes.get("access"));
    assertEquals(Map.of("from", true), changes.get("impersonation"));
  }

  @Test
  void apiKeyCreateRecordsThePrincipalAndRolesButNeverTheKey() {
    String rq = requestId();
    Map<String, Object> created =
        admin
            .as(rq)
            .body(Map.of("principal", "engine-7", "roles", List.of("caller")))
            .post("/admin/v1/api-keys")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getMap("$");
    String keyId = (String) created.get("id");
    Map<String, Object> item = admin.latest(Targets.apiKey(keyId), "apikey.create", rq);
    Map<String, Object> changes = changes(item);
    assertEquals(to("engine-7"), changes.get("principal"));
    assertEquals(to(List.of("caller")), changes.get("roles"));
    assertEquals(changed(), changes.get("key"));
    assertFalse(item.toString().contains((String) created.get("key")));
  }

  @Test
  void apiKeyRevokeRecordsTheRevocationTime() {
    String keyId =
        admin()
            .body(Map.of("principal", "engine-8"))
            .post("/admin/v1/api-keys")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    String rq = requestId();
    admin.as(rq).delete("/admin/v1/api-keys/" + keyId).then().statusCode(204);
    Map<String, Object> item = admin.latest(Targets.apiKey(keyId), "apikey.revoke", rq);
    @SuppressWarnings("unchecked")
    Map<String, Object> revokedAt = (Map<String, Object>) changes(item).get("revokedAt");
    assertTrue(revokedAt.containsKey("from") && revokedAt.get("from") == null, "was not revoked");
    assertNotNull(revokedAt.get("to"));
  }

  /** The consent completes in a request without an admin: the admin who started it is named. */
  @Test
  void consentCompleteNamesTheAdminWhoStartedItAndTheCallbackRequest() {
    consent(); // asserts the item: this admin, the callback's request id, the diff
    assertEquals(admin.principal, items(target()).get(0).get("principal"));
  }

  private String lastCallback;

  private void consent() {
    admin
        .as(requestId())
        .body(Consent.delegatedConnection(id, sandbox))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
    String callback = Consent.decide(Consent.start(admin.as(requestId()), id), "accept");
    lastCallback = requestId();
    Consent.callback(callback, lastCallback)
        .then()
        .statusCode(200)
        .body(containsString("is authorized"));
    Map<String, Object> changes = changes(admin.latest(target(), "consent.complete", lastCallback));
    assertEquals(
        Map.of("refreshToken", changed(), "hasRefreshToken", fromTo(false, true)), changes);
  }

  @Test
  void aDeclinedConsentRecordsNothing() {
    admin
        .as(requestId())
        .body(Consent.delegatedConnection(id, sandbox))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
    String callback = Consent.decide(Consent.start(admin.as(requestId()), id), "decline");
    Consent.callback(callback, requestId()).then().statusCode(400);
    assertEquals(
        List.of("connection.create"), items(target()).stream().map(i -> i.get("action")).toList());
  }

  @Test
  void tokensDropRecordsThatTheRefreshTokenWentAway() {
    consent();
    String rq = requestId();
    admin.as(rq).delete("/admin/v1/connections/" + id + "/tokens").then().statusCode(204);
    Map<String, Object> item = admin.latest(target(), "tokens.drop", rq);
    assertEquals(
        Map.of("refreshToken", changed(), "hasRefreshToken", fromTo(true, false)), changes(item));
    assertTrue(
        Db.rows(
                "select 1 from connection_secrets where connection_id = ? and field ="
                    + " 'refresh_token'",
                id)
            .isEmpty());

    // a client-credentials connection holds no refresh token: the drop is recorded, unchanged
    String other = id + "-cc";
    admin().body(clientCredentials(other, "s3cret-value")).post("/admin/v1/connections");
    String rq2 = requestId();
    admin.as(rq2).delete("/admin/v1/connections/" + other + "/tokens").then().statusCode(204);
    assertEquals(Map.of(), changes(admin.latest(Targets.connection(other), "tokens.drop", rq2)));
  }

  @Test
  void keysRotateIsOneItemPerRunWithItsCounts() {
    create(requestId());
    String rq = requestId();
    Map<String, Object> report =
        admin
            .as(rq)
            .post("/admin/v1/encryption-keys/rotate")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getMap("$");
    Map<String, Object> changes = changes(admin.latest(Targets.ENCRYPTION_KEYS, "keys.rotate", rq));
    assertEquals(to("test"), changes.get("primaryKeyId"));
    for (String count : List.of("reEncrypted", "alreadyCurrent", "skippedConcurrent", "failed")) {
      assertEquals(to(report.get(count)), changes.get(count), count);
    }
  }
}
