package io.dynagate.provisioning;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.config.DynagateConfig;
import io.dynagate.connection.ConnectionService;
import io.dynagate.connection.ConnectionValidator;
import io.dynagate.crypto.Secret;
import io.dynagate.crypto.SecretField;
import io.dynagate.support.Admin;
import io.dynagate.support.Db;
import io.dynagate.support.LeakScan;
import io.dynagate.support.LogCapture;
import io.dynagate.support.Sandbox;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Declarative provisioning against the real PostgreSQL and Redis and a sandbox of its own: what the
 * start provisions works on the proxy, applying the same file again writes nothing and keeps the
 * cached token, changes are applied, prune removes what the file no longer lists, and no secret of
 * the file reaches the logs, the answers or the metrics. The cases build on each other (one gateway
 * start), so they run in order.
 */
@QuarkusTest
@TestProfile(ProvisioningTest.Profile.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProvisioningTest {
  /** The provisioned sandbox; everything else is the test profile. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(ProvisionedSandbox.class));
    }
  }

  private static final String WHO_AM_I = "/api/data/v9.2/WhoAmI";

  @Inject Provisioning provisioning;
  @Inject ProvisioningApplier applier;
  @Inject ConnectionService connections;
  @Inject DynagateConfig config;
  @Inject RedisDataSource redis;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  @TestHTTPResource(value = "/health/ready", management = true)
  URL ready;

  private ProvisionedSandbox p;
  private Sandbox sandbox;
  private LogCapture logs;
  private final LeakScan leaks = new LeakScan();

  @BeforeAll
  void setUp() {
    p = ProvisionedSandbox.current();
    sandbox = new Sandbox(p.baseUrl());
    redis.execute("FLUSHDB"); // no access token of an earlier run's sandbox
    logs = LogCapture.install();
    leaks.secret("client secret", p.clientSecret());
    leaks.secret("static token", System.getenv(ProvisionedSandbox.STATIC_TOKEN_ENV));
    leaks.secret("engine key", p.engineKey());
  }

  @AfterAll
  void tearDown() {
    logs.uninstall();
  }

  @Test
  @Order(1)
  void theStartProvisionedConnectionsGrantsAndTheKeyThatWorksOnTheProxy() {
    // then: the registry holds what the file lists
    leaks.record(
        Admin.admin()
            .get("/admin/v1/connections/" + ProvisionedSandbox.CC)
            .then()
            .statusCode(200)
            .body("displayName", equalTo("Provisioned sandbox"))
            .body("auth.hasClientSecret", equalTo(true))
            .extract()
            .response());
    Admin.admin()
        .get("/admin/v1/connections/" + ProvisionedSandbox.STATIC)
        .then()
        .statusCode(200)
        .body("auth.type", equalTo("static_token"));
    Admin.admin()
        .get("/admin/v1/connections/" + ProvisionedSandbox.STATIC + "/grants")
        .then()
        .statusCode(200)
        .body("[0].principal", equalTo("engine"))
        .body("[0].entitySets", equalTo(List.of("accounts")));
    assertEquals(
        List.of(List.of("engine", "caller", "provisioning")),
        Db.rows("select principal, roles, origin from api_keys"));
    assertEquals(
        Secret.of(System.getenv(ProvisionedSandbox.STATIC_TOKEN_ENV)),
        secret(ProvisionedSandbox.STATIC, SecretField.STATIC_TOKEN),
        "the {env:} reference");

    // and: the key whose hash was in the file works, with the secret read from a {file:}
    // reference without its trailing newline (the sandbox accepts only the exact secret)
    leaks.record(
        Admin.as(p.engineKey())
            .get("/proxy/" + ProvisionedSandbox.CC + WHO_AM_I)
            .then()
            .statusCode(200)
            .body("UserId", org.hamcrest.Matchers.notNullValue())
            .extract()
            .response());

    // and: a principal without a grant sees no such connection
    String stranger = Admin.createKey("stranger", "caller");
    int before = sandbox.dataRequests();
    leaks.record(
        Admin.as(stranger)
            .get("/proxy/" + ProvisionedSandbox.CC + WHO_AM_I)
            .then()
            .statusCode(404)
            .header("X-Dynagate-Error", "connection_not_found")
            .extract()
            .response());
    assertEquals(before, sandbox.dataRequests(), "a denial reached the sandbox");

    // and: the audit trail names provisioning as the author of every change it made
    // (audit rows outlive a run: earlier runs' later steps may be there too)
    assertTrue(
        Db.rows(
                "select distinct action from audit_events where principal = 'provisioning' and"
                    + " (target = 'connection:"
                    + ProvisionedSandbox.CC
                    + "' or target like 'grant:"
                    + ProvisionedSandbox.CC
                    + "/%') order by action")
            .containsAll(List.of(List.of("connection.create"), List.of("grant.put"))),
        "provisioning's changes are audited as principal provisioning");
    assertEquals(
        List.of(),
        Db.rows(
            "select action, principal from audit_events where target like 'connection:"
                + ProvisionedSandbox.CC
                + "' and principal <> 'provisioning'"));

    // and: readiness says provisioning is done
    given()
        .get(ready)
        .then()
        .statusCode(200)
        .body("checks.find { it.name == 'provisioning' }.status", equalTo("UP"))
        .body("checks.find { it.name == 'provisioning' }.data.state", equalTo("applied"));
  }

  @Test
  @Order(2)
  void applyingTheSameFileAgainWritesNothingAndKeepsTheCachedToken() throws Throwable {
    // given a cached token and the stored rows
    proxyOk(p.engineKey());
    int tokens = sandbox.tokenRequests();
    String rows = Db.dumpRegistry();
    List<List<String>> audited = Db.rows("select id from audit_events order by id");

    // when
    ProvisioningApplier.Report report =
        VertxContextSupport.subscribeAndAwait(provisioning::applyAgain);

    // then
    assertFalse(report.changedAnything(), report.toString());
    assertEquals(rows, Db.dumpRegistry(), "a row changed (updated_at, ciphertext, version…)");
    assertEquals(
        audited,
        Db.rows("select id from audit_events order by id"),
        "an apply that changed nothing wrote audit records");
    proxyOk(p.engineKey());
    assertEquals(tokens, sandbox.tokenRequests(), "the cached token was dropped");
  }

  @Test
  @Order(3)
  void aChangedFieldSecretAndGrantAreApplied() throws Throwable {
    // given a cached token
    proxyOk(p.engineKey());
    int tokens = sandbox.tokenRequests();
    String newStatic = leaks.plant("new-static-token");
    Path newStaticFile = p.writeSecretFile("static-token", newStatic + "\n");
    p.writeFile(
        p.file(
            Map.of(
                "displayName", "Renamed by the file",
                "staticTokenRef", "{file: " + newStaticFile + "}",
                "engineAccess", "write",
                "moreGrants", "      ops: {access: read, entitySets: [contacts]}")));

    // when
    ProvisioningApplier.Report report =
        VertxContextSupport.subscribeAndAwait(provisioning::applyAgain);

    // then
    assertEquals(0, report.connectionsCreated, report.toString());
    assertEquals(2, report.connectionsUpdated, report.toString());
    assertEquals(2, report.grantsPut, report.toString());
    Admin.admin()
        .get("/admin/v1/connections/" + ProvisionedSandbox.CC)
        .then()
        .body("displayName", equalTo("Renamed by the file"));
    assertEquals(Secret.of(newStatic), secret(ProvisionedSandbox.STATIC, SecretField.STATIC_TOKEN));
    Admin.admin()
        .get("/admin/v1/connections/" + ProvisionedSandbox.CC + "/grants")
        .then()
        .body("find { it.principal == 'engine' }.access", equalTo("write"))
        .body("find { it.principal == 'ops' }.entitySets", equalTo(List.of("contacts")));
    proxyOk(p.engineKey());

    // when the client secret changes, it is replaced (and the connection's tokens dropped)
    String newSecret = leaks.plant("new-client-secret");
    p.writeSecretFile("client-secret", newSecret + "\n");
    ProvisioningApplier.Report replaced =
        VertxContextSupport.subscribeAndAwait(provisioning::applyAgain);
    assertEquals(1, replaced.connectionsUpdated, replaced.toString());
    assertEquals(Secret.of(newSecret), secret(ProvisionedSandbox.CC, SecretField.CLIENT_SECRET));

    // and back to the secret the sandbox knows: a fresh token is fetched with it
    p.writeSecretFile("client-secret", p.clientSecret() + "\n");
    VertxContextSupport.subscribeAndAwait(provisioning::applyAgain);
    proxyOk(p.engineKey());
    assertTrue(sandbox.tokenRequests() > tokens, "no new token after the secret changed");
  }

  @Test
  @Order(4)
  void pruneDeletesUnlistedGrantsAndRevokesUnlistedProvisionedKeysOnly() throws Throwable {
    // given a grant and a key made through the admin API, and a second provisioned key
    Admin.admin()
        .body(Map.of("access", "read"))
        .put("/admin/v1/connections/" + ProvisionedSandbox.CC + "/grants/by-hand")
        .then()
        .statusCode(200);
    String byHand = Admin.createKey("by-hand", "caller");
    String second = io.dynagate.apikey.ApiKeys.generate();
    leaks.secret("second key", second);
    String withSecond =
        p.file(
            Map.of(
                "moreKeys",
                "  - {principal: engine, keyHash: "
                    + io.dynagate.apikey.ApiKeys.hashHex(second)
                    + "}"));
    p.writeFile(withSecond);
    VertxContextSupport.subscribeAndAwait(provisioning::applyAgain);
    proxyOk(second);

    // when the file lists neither the admin's grant nor the second key, with prune on
    p.writeFile(p.file(Map.of()));
    ProvisioningPlan plan =
        ProvisioningPlan.load(
            p.provisioningFile(), ConnectionValidator.from(config), System::getenv);
    ProvisioningApplier.Report report =
        VertxContextSupport.subscribeAndAwait(() -> applier.apply(plan, true));

    // then
    assertEquals(2, report.grantsDeleted, report.toString()); // by-hand and ops (from case 3)
    assertEquals(1, report.keysRevoked, report.toString());
    Admin.admin()
        .get("/admin/v1/connections/" + ProvisionedSandbox.CC + "/grants")
        .then()
        .body("principal", equalTo(List.of("engine")));
    Admin.as(second).get("/proxy/" + ProvisionedSandbox.CC + WHO_AM_I).then().statusCode(401);
    proxyOk(p.engineKey());
    // the admin's key is untouched (it has no grant, so: 404, not 401)
    Admin.as(byHand).get("/proxy/" + ProvisionedSandbox.CC + WHO_AM_I).then().statusCode(404);
    Admin.admin()
        .get("/admin/v1/api-keys")
        .then()
        .body("findAll { it.revokedAt != null }.size()", equalTo(1))
        .body("principal", hasItems("engine", "stranger", "by-hand"));
  }

  @Test
  @Order(5)
  void noSecretOfTheFileIsInTheLogsTheAnswersTheMetricsOrInPlainInTheStore() {
    leaks.record(Admin.admin().get("/admin/v1/connections").andReturn());
    leaks.record(given().get(ready).andReturn());
    String metricsText = given().get(metrics).then().statusCode(200).extract().asString();
    assertTrue(
        logs.text().contains("provisioning: connection prov-cc updated"), "logs not captured");
    leaks.assertNoLeak(logs.text(), metricsText);
    String stored = Db.dumpRegistry();
    assertFalse(stored.contains(p.clientSecret()), "client secret stored in plain text");
    assertFalse(stored.contains(p.engineKey()), "API key stored");
  }

  private void proxyOk(String key) {
    Response r = Admin.as(key).get("/proxy/" + ProvisionedSandbox.CC + WHO_AM_I).andReturn();
    leaks.record(r);
    assertEquals(200, r.statusCode(), r.asString());
  }

  private Secret secret(String connection, SecretField field) {
    try {
      Optional<Secret> s =
          VertxContextSupport.subscribeAndAwait(() -> connections.secret(connection, field));
      assertNotEquals(Optional.empty(), s, "no stored " + field);
      return s.orElseThrow();
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }
}
