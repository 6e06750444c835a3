package io.dynagate.oauth;

import static io.dynagate.support.Admin.admin;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.Admin;
import io.dynagate.support.Consent;
import io.dynagate.support.Db;
import io.dynagate.support.Sandbox;
import io.dynagate.token.TokenCache;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Authorization-code connections: consent with PKCE, refresh rotation, dead grants, forgetting. */
@QuarkusTest
class DelegatedConnectionTest {
  private static final AtomicInteger SEQ = new AtomicInteger();

  /** The test profile's {@code dynagate.public-base-url}: where the sandbox redirects to. */
  private static final String PUBLIC_BASE_URL = "http://localhost:8080";

  @Inject SandboxLifecycle sandboxLifecycle;
  @Inject RedisDataSource redis;
  @Inject TokenCache cache;

  private Sandbox sandbox;
  private String id;
  private String key;

  @BeforeEach
  void setUp() {
    sandbox = Sandbox.cleanSlate(sandboxLifecycle, redis);
    id = "delegated-" + SEQ.incrementAndGet();
    key = Consent.delegatedReader(id, sandbox);
  }

  private Response proxied() {
    return Admin.as(key).get("/proxy/" + id + "/api/data/v9.2/accounts?$top=1");
  }

  /** Starts a consent and returns the authorize URL. */
  private String authorizeUrl() {
    return Consent.started(admin(), id)
        .body(
            "authorizeUrl",
            startsWith(sandbox.baseUrl() + "/sandbox-tenant/oauth2/v2.0/authorize?"))
        .body("authorizeUrl", containsString("code_challenge_method=S256"))
        .body("expiresAt", notNullValue())
        .extract()
        .path("authorizeUrl");
  }

  private void consent() {
    Consent.callback(Consent.decide(authorizeUrl(), "accept", PUBLIC_BASE_URL))
        .then()
        .statusCode(200)
        .contentType(containsString("text/html"))
        .body(containsString("is authorized"));
  }

  @Test
  void beforeConsentTheConnectionNeedsAuthorization() {
    proxied().then().statusCode(409).header("X-Dynagate-Error", "authorization_required");
    assertEquals(0, sandbox.tokenRequests());
  }

  @Test
  void consentStoresTheRefreshTokenEncryptedAndTheProxyWorks() {
    consent();
    List<List<String>> rows =
        Db.rows(
            "select ciphertext from connection_secrets where connection_id = ? and field ="
                + " 'refresh_token'",
            id);
    assertEquals(1, rows.size());
    assertTrue(rows.get(0).get(0).startsWith("test:"));
    proxied().then().statusCode(200);
    assertEquals(1, sandbox.tokenRequests(), "only the code exchange");
    admin()
        .get("/admin/v1/connections/" + id + "/status")
        .then()
        .body("state", equalTo("ready"))
        .body("tokenExpiresAt", notNullValue())
        .body("lastRefreshAt", notNullValue());
  }

  @Test
  void aStateWorksOnceAndUnknownStatesAreRefused() {
    String callback = Consent.decide(authorizeUrl(), "accept", PUBLIC_BASE_URL);
    Consent.callback(callback).then().statusCode(200);
    Consent.callback(callback)
        .then()
        .statusCode(400)
        .body(containsString("unknown, expired or was already used"));
    Consent.callback("/oauth2/callback?state=" + "A".repeat(43) + "&code=x").then().statusCode(400);
    Consent.callback("/oauth2/callback").then().statusCode(400);
    assertEquals(1, sandbox.tokenRequests(), "refused callbacks never reach the IdP");
  }

  @Test
  void aDeclinedConsentIsRecordedAndEscaped() {
    String callback = Consent.decide(authorizeUrl(), "decline", PUBLIC_BASE_URL);
    Consent.callback(callback)
        .then()
        .statusCode(400)
        .body(containsString("access_denied"))
        .body(not(containsString("<script")));
    // an attacker-made error text is escaped, never rendered
    String forged =
        Consent.decide(authorizeUrl(), "decline", PUBLIC_BASE_URL)
            .replaceAll(
                "error_description=[^&]*", "error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    Consent.callback(forged)
        .then()
        .statusCode(400)
        .body(containsString("&lt;script&gt;"))
        .body(not(containsString("<script>")));
    admin()
        .get("/admin/v1/connections/" + id + "/status")
        .then()
        .body("state", equalTo("authorization_required"))
        .body("lastError.error", equalTo("access_denied"));
  }

  @Test
  void refreshRotatesTheStoredRefreshToken() {
    consent();
    String before = refreshRow();
    forceRefresh();
    proxied().then().statusCode(200);
    assertEquals(1, sandbox.stats().getInt("refreshTokenRedemptions"));
    String after = refreshRow();
    assertNotEquals(before, after, "the newest refresh token replaced the stored one");
    assertTrue(after.endsWith("|1"), "version bumped: " + after);
  }

  @Test
  void afterLosingAllOfRedisOneTokenRequestAndNoConsent() {
    consent();
    int before = sandbox.tokenRequests();
    redis.execute("FLUSHDB");
    cache.dropLocal(id); // a fresh replica: nothing in memory either
    proxied().then().statusCode(200);
    assertEquals(before + 1, sandbox.tokenRequests());
  }

  @Test
  void invalidGrantMeansOneTokenRequestThen409sWithoutRetries() {
    consent();
    sandbox.knobs(Map.of("invalidGrantNext", 1));
    forceRefresh();
    int before = sandbox.tokenRequests();
    proxied().then().statusCode(409).header("X-Dynagate-Error", "authorization_required");
    for (int i = 0; i < 5; i++) {
      proxied().then().statusCode(409);
    }
    assertEquals(before + 1, sandbox.tokenRequests(), "one refresh attempt, then none");
    admin()
        .get("/admin/v1/connections/" + id + "/status")
        .then()
        .body("state", equalTo("authorization_required"))
        .body("lastError.error", equalTo("invalid_grant"))
        .body("lastError.description", containsString("AADSTS70008"));
    // a new consent restores the connection
    consent();
    proxied().then().statusCode(200);
    admin().get("/admin/v1/connections/" + id + "/status").then().body("state", equalTo("ready"));
  }

  @Test
  void deletingTokensForgetsEverythingAndNeedsConsent() {
    consent();
    proxied().then().statusCode(200);
    admin().delete("/admin/v1/connections/" + id + "/tokens").then().statusCode(204);
    proxied().then().statusCode(409);
    admin()
        .get("/admin/v1/connections/" + id + "/status")
        .then()
        .body("state", equalTo("authorization_required"));
    assertFalse(redis.key().exists("dynagate:{" + id + "}:token"));
  }

  @Test
  void aTokenDueForRefreshIsStillUsedWhileOneRefreshRunsInTheBackground() {
    sandbox.knobs(Map.of("refreshInSeconds", 1));
    consent();
    await().pollDelay(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(3)).until(() -> true);
    for (int i = 0; i < 5; i++) {
      proxied().then().statusCode(200);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> sandbox.stats().getInt("refreshTokenRedemptions") >= 1);
    assertEquals(1, sandbox.stats().getInt("maxRedemptionsOfOneRefreshToken"));
  }

  @Test
  void clientCredentialsConnectionsTakeNoConsent() {
    admin()
        .body(sandbox.connection("cc-" + id))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
    admin()
        .post("/admin/v1/connections/cc-" + id + "/authorizations")
        .then()
        .statusCode(409)
        .body("code", equalTo("conflict"));
    admin().post("/admin/v1/connections/nope/authorizations").then().statusCode(404);
  }

  private void forceRefresh() {
    redis.key().del("dynagate:{" + id + "}:token");
    cache.dropLocal(id);
  }

  private String refreshRow() {
    List<String> row =
        Db.rows(
                "select ciphertext, version from connection_secrets where connection_id = ? and"
                    + " field = 'refresh_token'",
                id)
            .get(0);
    return row.get(0) + "|" + row.get(1);
  }
}
