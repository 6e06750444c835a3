package io.dynagate.access;

import static io.dynagate.support.Admin.admin;
import static io.dynagate.support.Admin.createKey;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.JwtProfile;
import io.dynagate.support.Jwts;
import io.dynagate.support.LogCapture;
import io.dynagate.support.Sandbox;
import io.dynagate.support.TestIssuer;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bearer JWT callers next to API keys (contract section 2): principal from {@code sub}, grants of
 * {@code group:<name>} principals, the admin group, and the claim rules. Tokens come from a real
 * issuer ({@link io.dynagate.support.TestIssuer}) and are verified by Quarkus OIDC.
 */
@QuarkusTest
@TestProfile(JwtProfile.class)
class JwtCallersTest {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final String V = "/api/data/v9.2/";

  @Inject SandboxLifecycle sandboxLifecycle;
  @Inject RedisDataSource redis;

  private Sandbox sandbox;
  private String id;

  @BeforeEach
  void setUp() {
    sandbox = Sandbox.cleanSlate(sandboxLifecycle, redis);
    id = "jwt-" + SEQ.incrementAndGet();
    admin().body(sandbox.connection(id)).post("/admin/v1/connections").then().statusCode(201);
  }

  private void grant(String principal, Map<String, Object> grant) {
    admin()
        .body(grant)
        .put("/admin/v1/connections/" + id + "/grants/" + principal)
        .then()
        .statusCode(200);
  }

  private static RequestSpecification bearer(String token) {
    return given().header("Authorization", "Bearer " + token).urlEncodingEnabled(false);
  }

  private String proxy(String path) {
    return "/proxy/" + id + V + path;
  }

  /** The access line is written once the answer has gone out, so it may trail the response. */
  private static void awaitAccessLine(LogCapture logs) {
    await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> logs.text().contains("proxy requestId="));
  }

  @Test
  void aJwtCallerWithItsOwnGrantReachesDataverseAndIsLoggedByItsSubject() {
    grant("svc-orders", Map.of("access", "read"));
    LogCapture logs = LogCapture.install();
    try {
      bearer(Jwts.token("svc-orders"))
          .get(proxy("accounts?$top=1"))
          .then()
          .statusCode(200)
          .body("value.size()", equalTo(1));
      awaitAccessLine(logs);
    } finally {
      logs.uninstall();
    }
    assertEquals(1, sandbox.dataRequests());
    assertTrue(
        logs.text().contains("principal=svc-orders connection=" + id),
        "access log names the JWT subject");
  }

  @Test
  void aGroupGrantAppliesToEveryMemberAndOnlyAsFarAsItGoes() {
    grant("group:team-x", Map.of("access", "read"));
    String member = Jwts.token("alice", "team-x", "other");
    LogCapture logs = LogCapture.install();
    try {
      bearer(member).get(proxy("accounts?$top=1")).then().statusCode(200);
      awaitAccessLine(logs);
    } finally {
      logs.uninstall();
    }
    assertTrue(
        logs.text().contains("principal=alice connection=" + id)
            && logs.text().contains("decision=allowed grant=group:team-x "),
        "the access line names the caller and the group grant that allowed it:\n" + logs.text());
    bearer(member)
        .contentType("application/json")
        .body("{\"name\":\"x\"}")
        .post(proxy("accounts"))
        .then()
        .statusCode(403)
        .body("code", equalTo("forbidden"));
    bearer(Jwts.token("bob", "team-y"))
        .get(proxy("accounts?$top=1"))
        .then()
        .statusCode(404)
        .body("code", equalTo("connection_not_found"));
    assertEquals(1, sandbox.dataRequests());
  }

  @Test
  void grantsOfACallerAndItsGroupsAreAlternativesNotAMerge() {
    grant("carol", Map.of("access", "read", "entitySets", java.util.List.of("accounts")));
    grant("group:writers", Map.of("access", "write", "entitySets", java.util.List.of("contacts")));
    String token = Jwts.token("carol", "writers");
    bearer(token).get(proxy("accounts?$top=1")).then().statusCode(200);
    bearer(token)
        .contentType("application/json")
        .body("{\"lastname\":\"x\"}")
        .post(proxy("contacts"))
        .then()
        .statusCode(204);
    // neither grant alone allows writing accounts, so together they do not either
    bearer(token)
        .contentType("application/json")
        .body("{\"name\":\"x\"}")
        .post(proxy("accounts"))
        .then()
        .statusCode(403);
    assertEquals(2, sandbox.dataRequests());
  }

  @Test
  void deletingAGroupGrantCutsItsMembersOff() {
    grant("group:team-z", Map.of("access", "read"));
    String token = Jwts.token("dave", "team-z");
    bearer(token).get(proxy("accounts?$top=1")).then().statusCode(200);
    admin().delete("/admin/v1/connections/" + id + "/grants/group:team-z").then().statusCode(204);
    bearer(token).get(proxy("accounts?$top=1")).then().statusCode(404);
  }

  @Test
  void onlyMembersOfTheAdminGroupUseTheAdminApi() {
    bearer(Jwts.token("erin", TestIssuer.ADMIN_GROUP))
        .get("/admin/v1/connections")
        .then()
        .statusCode(200);
    bearer(Jwts.token("frank", "team-x"))
        .get("/admin/v1/connections")
        .then()
        .statusCode(403)
        .body("code", equalTo("forbidden"));
    // the token's own notion of roles does not count
    Map<String, Object> claims = Jwts.claims("grace", "admin");
    claims.put("roles", java.util.List.of("admin"));
    claims.put("realm_access", Map.of("roles", java.util.List.of("admin")));
    bearer(Jwts.mint(claims)).get("/admin/v1/connections").then().statusCode(403);
  }

  @Test
  void aSubjectThatPosesAsAGroupOrIsMissingIsRefused() {
    grant("group:team-x", Map.of("access", "full"));
    bearer(Jwts.token("group:team-x"))
        .get(proxy("accounts?$top=1"))
        .then()
        .statusCode(401)
        .body("code", equalTo("unauthenticated"));
    Map<String, Object> noSubject = Jwts.claims("x");
    noSubject.remove("sub");
    bearer(Jwts.mint(noSubject)).get(proxy("accounts?$top=1")).then().statusCode(401);
    bearer(Jwts.token("has space")).get(proxy("accounts?$top=1")).then().statusCode(401);
    assertEquals(0, sandbox.dataRequests());
  }

  @Test
  void apiKeysWorkBesideJwtsButNeverTogetherInOneRequest() {
    grant("engine-1", Map.of("access", "read"));
    grant("svc-1", Map.of("access", "read"));
    String key = createKey("engine-1", "caller");
    given().header("X-Api-Key", key).get(proxy("accounts?$top=1")).then().statusCode(200);
    bearer(Jwts.token("svc-1")).get(proxy("accounts?$top=1")).then().statusCode(200);
    bearer(Jwts.token("svc-1"))
        .header("X-Api-Key", key)
        .get(proxy("accounts?$top=1"))
        .then()
        .statusCode(401)
        .body("code", equalTo("unauthenticated"));
    assertEquals(2, sandbox.dataRequests());
  }
}
