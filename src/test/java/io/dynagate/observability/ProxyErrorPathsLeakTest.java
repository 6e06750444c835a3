package io.dynagate.observability;

import static io.dynagate.support.Admin.admin;
import static io.dynagate.support.Admin.createKey;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.crypto.SecretCipher;
import io.dynagate.crypto.SecretField;
import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.Admin;
import io.dynagate.support.Db;
import io.dynagate.support.Jwts;
import io.dynagate.support.LeakScan;
import io.dynagate.support.LogCapture;
import io.dynagate.support.RawHttp;
import io.dynagate.support.Sandbox;
import io.dynagate.support.TestIssuer;
import io.dynagate.token.TokenCache;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives every error path of the proxy — token refresh failures (transient, wrong client secret,
 * failed and dead refresh grants), upstream 401 with its retry, 429 and the gateway's own hold,
 * 500, and every kind of denial — with known secrets in play and every logger at DEBUG. Each path
 * is asserted to have happened. Then the captured logs, the Prometheus output and every answer
 * (headers and body) are searched for each secret: client secrets right and wrong, a static token,
 * caller API keys right, wrong and revoked, caller {@code Authorization} and {@code Cookie} values,
 * a value in a query string, and the access and refresh tokens the sandbox really issued.
 */
@QuarkusTest
@TestProfile(ProxyErrorPathsLeakTest.DebugEverywhere.class)
class ProxyErrorPathsLeakTest {
  private static final String V = "/api/data/v9.2/";

  /**
   * Every logger at DEBUG (io.dynagate included; captured in memory, the console stays at INFO),
   * and a sandbox whose client secret is a planted value, so the one secret that works is planted
   * too.
   */
  public static class DebugEverywhere implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return overrides();
    }

    /** A trusted JWT issuer, so that bearer tokens (good and forged) are planted too. */
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(TestIssuer.class));
    }

    static Map<String, String> overrides() {
      return Map.of(
          "quarkus.log.level", "DEBUG",
          "quarkus.log.category.\"io.dynagate\".level", "DEBUG",
          "quarkus.log.console.level", "INFO",
          "dynagate.sandbox.client-secret", "PLANTED-sandbox-client-secret-" + UUID.randomUUID());
    }
  }

  @Inject SandboxLifecycle sandboxLifecycle;
  @Inject RedisDataSource redis;
  @Inject TokenCache cache;
  @Inject SecretCipher cipher;

  @ConfigProperty(name = "dynagate.sandbox.client-secret")
  String sandboxSecret;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  private final LeakScan scan = new LeakScan();
  private final Set<String> issuedTokens = new HashSet<>();
  private Sandbox sandbox;
  private LogCapture logs;
  private String engine;
  private int proxyCalls;

  @BeforeEach
  void setUp() {
    sandbox = Sandbox.cleanSlate(sandboxLifecycle, redis);
    logs = LogCapture.install();
    scan.secret("sandbox client secret", sandboxSecret);
    scan.secret("bootstrap admin key", Admin.KEY);
    engine = scan.secret("engine API key", createKey("engine", "caller"));
  }

  @AfterEach
  void tearDown() {
    logs.uninstall();
  }

  @Test
  void noProxyErrorPathLeaksASecretIntoLogsMetricsOrAnswers() throws IOException {
    connection("main", sandbox.connection("main", sandboxSecret));
    ok(get(engine, "main", "accounts?$top=1"));

    tokenRequestFailures();
    delegatedRefreshFailures();
    upstream401IsRetriedOnceThenPassedOn();
    upstream429IsPassedOnThenHeld();
    upstream500IsPassedOnVerbatim();
    staticTokens();
    deniedRequests();
    jwtCallers();
    callerCredentialsAndQueryStringsStayOut();
    harvestIssuedAccessTokens();

    int calls = proxyCalls;
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> logs.text().lines().filter(l -> l.contains("proxy requestId=")).count(),
            n -> n >= calls);
    String logText = logs.text();
    assertTrue(
        logText.lines().anyMatch(l -> l.startsWith("DEBUG ")), "DEBUG records were captured");
    assertTrue(
        logText.contains("token request for leak-refused failed: invalid_client"),
        "the refused token request was logged");
    String metricsText = given().accept("text/plain").get(metrics).asString();
    assertTrue(metricsText.contains("dynagate_upstream_throttled_total{"), "a 429 was counted");
    assertTrue(metricsText.contains("outcome=\"refused\""), "a refused token fetch was counted");
    assertTrue(issuedTokens.size() >= 4, "access tokens issued: " + issuedTokens.size());
    assertTrue(scan.secrets() >= 20, "secrets planted or learned: " + scan.secrets());
    scan.assertNoLeak(logText, metricsText);
  }

  /** Transient IdP failure and a wrong client secret: 503 token_unavailable, lastError recorded. */
  private void tokenRequestFailures() {
    connection("flaky", sandbox.connection("flaky", sandboxSecret));
    int before = sandbox.tokenRequests();
    sandbox.knobs(Map.of("tokenFailNext", 1));
    problem(get(engine, "flaky", "accounts"), 503, "token_unavailable");
    assertEquals(before + 1, sandbox.tokenRequests(), "the IdP was asked and failed");
    status("flaky").then().body("lastError.error", equalTo("temporarily_unavailable"));

    String wrongSecret = scan.plant("wrong-client-secret");
    connection("leak-refused", sandbox.connection("leak-refused", wrongSecret));
    problem(get(engine, "leak-refused", "accounts"), 503, "token_unavailable");
    status("leak-refused")
        .then()
        .body("state", equalTo("refresh_failed"))
        .body("lastError.error", equalTo("invalid_client"));
  }

  /**
   * An authorization-code connection: consent, one refresh with rotation, a refresh the IdP fails
   * (503), then a dead grant (409). Both refresh tokens the sandbox issued are read from the store.
   */
  private void delegatedRefreshFailures() {
    String id = "delegated";
    connection(
        id,
        Map.of(
            "id", id,
            "orgUrl", sandbox.baseUrl(),
            "auth",
                Map.of(
                    "type",
                    "authorization_code",
                    "clientId",
                    "sandbox-client",
                    "clientSecret",
                    sandboxSecret,
                    "tokenUrl",
                    sandbox.tokenUrl(),
                    "authorizeUrl",
                    sandbox.baseUrl() + "/sandbox-tenant/oauth2/v2.0/authorize")));
    problem(get(engine, id, "accounts"), 409, "authorization_required");
    consent(id);
    ok(get(engine, id, "accounts?$top=1"));
    String first = scan.secret("first refresh token", storedRefreshToken(id));

    forgetAccessToken(id);
    ok(get(engine, id, "accounts?$top=1"));
    String second = scan.secret("rotated refresh token", storedRefreshToken(id));
    assertNotEquals(first, second, "the refresh rotated the refresh token");

    sandbox.knobs(Map.of("tokenFailNext", 1));
    forgetAccessToken(id);
    problem(get(engine, id, "accounts"), 503, "token_unavailable");

    // once the back-off has passed, the next refresh meets a dead grant
    sandbox.knobs(Map.of("invalidGrantNext", 1));
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> get(engine, id, "accounts").statusCode() == 409);
    problem(get(engine, id, "accounts"), 409, "authorization_required");
    status(id).then().body("lastError.error", equalTo("invalid_grant"));
    harvestIssuedAccessTokens();
  }

  private void upstream401IsRetriedOnceThenPassedOn() {
    int tokens = sandbox.tokenRequests();
    int data = sandbox.dataRequests();
    sandbox.knobs(Map.of("fail401Next", 1));
    ok(get(engine, "main", "accounts?$top=1"));
    assertEquals(tokens + 1, sandbox.tokenRequests(), "a new token after the 401");
    assertEquals(data + 2, sandbox.dataRequests(), "the refused call was sent once more");

    sandbox.knobs(Map.of("fail401Next", 2));
    upstream(get(engine, "main", "accounts?$top=1"), 401);
    assertEquals(data + 4, sandbox.dataRequests());
    harvestIssuedAccessTokens();
  }

  private void upstream429IsPassedOnThenHeld() {
    connection("throttled", sandbox.connection("throttled", sandboxSecret));
    ok(get(engine, "throttled", "accounts?$top=1"));
    sandbox.knobs(Map.of("fail429Next", 1, "retryAfterSeconds", 60));
    Response upstream = upstream(get(engine, "throttled", "accounts"), 429);
    assertEquals("60", upstream.header("Retry-After"));
    int data = sandbox.dataRequests();
    Response held = problem(get(engine, "throttled", "accounts"), 429, "throttled");
    assertNotNull(held.header("Retry-After"));
    assertEquals(data, sandbox.dataRequests(), "the held call did not reach Dataverse");
  }

  private void upstream500IsPassedOnVerbatim() {
    int data = sandbox.dataRequests();
    sandbox.knobs(Map.of("fail500Next", 1));
    Response failed = upstream(get(engine, "main", "accounts?$top=1"), 500);
    assertEquals("0x80040216", failed.jsonPath().getString("error.code"));
    assertEquals(data + 1, sandbox.dataRequests(), "a 500 is not retried");
  }

  /** A bring-your-own token Dataverse refuses (401, not refreshable), and an expired one (409). */
  private void staticTokens() {
    String token = scan.plant("static-token");
    connection("byot", staticToken("byot", token, null));
    upstream(get(engine, "byot", "accounts"), 401);
    assertTrue(sandbox.bearerTokensSeen().contains(token), "the static token went upstream");

    String stale = scan.plant("expired-static-token");
    connection("stale", staticToken("stale", stale, "2001-01-01T00:00:00Z"));
    problem(get(engine, "stale", "accounts"), 409, "authorization_required");
  }

  private void deniedRequests() {
    String stranger = scan.secret("API key without grant", createKey("stranger", "caller"));
    problem(get(stranger, "main", "accounts"), 404, "connection_not_found");
    problem(get(engine, "no-such-connection", "accounts"), 404, "connection_not_found");

    String reader = scan.secret("read-only API key", createKey("reader", "caller"));
    grant("main", "reader", Map.of("access", "read"));
    problem(post(reader, "main", "accounts", "{\"name\":\"x\"}"), 403, "forbidden");

    String adminOnly = scan.secret("admin-only API key", createKey("ops", "admin"));
    grant("main", "ops", Map.of("access", "full"));
    problem(get(adminOnly, "main", "accounts"), 403, "forbidden");

    int data = sandbox.dataRequests();
    problem(
        proxied(
            call(engine)
                .header("CallerObjectId", "00000000-0000-0000-0000-0000000000ff")
                .get(proxy("main", "accounts"))),
        403,
        "forbidden");
    problem(
        proxied(call(engine).header("MSCRMCallerID", "x").get(proxy("main", "accounts"))),
        403,
        "forbidden");
    assertEquals(data, sandbox.dataRequests(), "no denied call reached Dataverse");

    problem(
        get(scan.secret("wrong API key", wrongKey()), "main", "accounts"), 401, "unauthenticated");
    problem(get(scan.plant("malformed-api-key"), "main", "accounts"), 401, "unauthenticated");

    String revoked = createKey("revoked", "caller");
    scan.secret("revoked API key", revoked);
    grant("main", "revoked", Map.of("access", "read"));
    get(revoked, "main", "accounts?$top=1").then().statusCode(200);
    String keyId =
        admin()
            .get("/admin/v1/api-keys")
            .jsonPath()
            .getString("find { it.principal == 'revoked' }.id");
    admin().delete("/admin/v1/api-keys/" + keyId).then().statusCode(204);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> get(revoked, "main", "accounts?$top=1").statusCode() == 401);
    problem(get(revoked, "main", "accounts"), 401, "unauthenticated");
  }

  /**
   * A caller's own {@code Authorization} and {@code Cookie} values and a value in a query string
   * reach neither Dataverse (the headers) nor the logs, on success and on refusal alike.
   */
  private void callerCredentialsAndQueryStringsStayOut() throws IOException {
    String bearer = scan.plant("caller-bearer");
    String cookie = scan.plant("caller-cookie");
    String query = scan.plant("query-value");
    String filter = "accounts?$filter=name%20eq%20'" + query + "'";

    ok(proxied(call(engine).header("Cookie", "session=" + cookie).get(proxy("main", filter))));
    Map<String, List<String>> sent = lastRequestHeaders();
    assertNull(sent.get("cookie"), "no cookie reaches Dataverse");
    assertTrue(
        sandbox.requests().getList("query", String.class).stream()
            .anyMatch(q -> q != null && q.contains(query)),
        "the query went upstream unchanged");

    // beside an API key, a bearer that is no gateway credential is ignored and never forwarded;
    // alone it is no valid JWT
    ok(
        proxied(
            call(engine).header("Authorization", "Bearer " + bearer).get(proxy("main", filter))));
    assertEquals(
        List.of(),
        lastRequestHeaders().getOrDefault("authorization", List.of()).stream()
            .filter(v -> v.contains(bearer))
            .toList(),
        "the caller's bearer reached Dataverse");
    problem(
        proxied(
            given()
                .urlEncodingEnabled(false)
                .header("Authorization", "Bearer " + bearer)
                .header("Cookie", "session=" + cookie)
                .get(proxy("main", filter))),
        401,
        "unauthenticated");
    problem(
        proxied(
            given()
                .urlEncodingEnabled(false)
                .header("Authorization", "Basic " + bearer)
                .get(proxy("main", filter))),
        401,
        "unauthenticated");
    problem(get(engine, "no-such-connection", filter), 404, "connection_not_found");
    String reader = createKey("query-reader", "caller");
    scan.secret("query-reader API key", reader);
    grant("main", "query-reader", Map.of("access", "read"));
    problem(post(reader, "main", filter, "{}"), 403, "forbidden");

    RawHttp.Answer traversal =
        scan.record(
            RawHttp.send(
                RestAssured.port,
                "GET",
                proxy("main", "%2e%2e/" + filter),
                "X-Api-Key: " + engine,
                "Cookie: session=" + cookie));
    proxyCalls++;
    assertEquals(400, traversal.status(), traversal.text());
    assertTrue(traversal.text().contains("X-Dynagate-Error: path_not_allowed"), traversal.text());
  }

  /**
   * Every access token Dataverse was sent becomes a secret to search for (static ones excluded).
   */
  private void harvestIssuedAccessTokens() {
    for (String token : sandbox.bearerTokensSeen()) {
      if (token.startsWith("sbx.")) {
        issuedTokens.add(scan.secret("access token issued by the sandbox", token));
      }
    }
  }

  // --- helpers -----------------------------------------------------------------------------

  private void connection(String id, Map<String, Object> body) {
    record(admin().body(body).post("/admin/v1/connections")).then().statusCode(201);
    grant(id, "engine", Map.of("access", "full"));
  }

  private void grant(String id, String principal, Map<String, Object> grant) {
    admin()
        .body(grant)
        .put("/admin/v1/connections/" + id + "/grants/" + principal)
        .then()
        .statusCode(200);
  }

  private Map<String, Object> staticToken(String id, String token, String expiresAt) {
    Map<String, Object> auth = new HashMap<>(Map.of("type", "static_token", "accessToken", token));
    if (expiresAt != null) {
      auth.put("expiresAt", expiresAt);
    }
    return Map.of("id", id, "orgUrl", sandbox.baseUrl(), "auth", auth);
  }

  private Response status(String id) {
    return record(admin().get("/admin/v1/connections/" + id + "/status"));
  }

  /** The consent dance: authorize URL, the sandbox's accept, the gateway's callback page. */
  private void consent(String id) {
    String authorizeUrl =
        record(admin().post("/admin/v1/connections/" + id + "/authorizations"))
            .then()
            .statusCode(201)
            .extract()
            .path("authorizeUrl");
    String location =
        given()
            .redirects()
            .follow(false)
            .urlEncodingEnabled(false)
            .get(authorizeUrl + "&decision=accept")
            .then()
            .statusCode(302)
            .extract()
            .header("Location");
    URI callback = URI.create(location);
    record(
            given()
                .urlEncodingEnabled(false)
                .get(callback.getRawPath() + "?" + callback.getRawQuery()))
        .then()
        .statusCode(200);
  }

  private String storedRefreshToken(String id) {
    String ciphertext =
        Db.rows(
                "select ciphertext from connection_secrets where connection_id = ? and field = ?",
                id,
                SecretField.REFRESH_TOKEN.column())
            .get(0)
            .get(0);
    return cipher.decrypt(ciphertext, id, SecretField.REFRESH_TOKEN).reveal();
  }

  /** Drops the cached access token in both tiers, so the next call must refresh. */
  private void forgetAccessToken(String id) {
    redis.key().del("dynagate:{" + id + "}:token");
    cache.dropLocal(id);
  }

  /** Bearer JWTs: a good one, then expired, forged, unsigned and misdirected ones (401). */
  private void jwtCallers() {
    grant("main", "jwt-caller", Map.of("access", "read"));
    String good = scan.secret("valid caller JWT", Jwts.token("jwt-caller", "team"));
    ok(proxied(bearer(good).get(proxy("main", "accounts?$top=1"))));
    problem(proxied(bearer(good).body("{}").post(proxy("main", "accounts"))), 403, "forbidden");
    Map<String, Object> expired = Jwts.claims("jwt-caller");
    expired.put("exp", java.time.Instant.now().getEpochSecond() - 60);
    Map<String, Object> otherAudience = Jwts.claims("jwt-caller");
    otherAudience.put("aud", "another-app");
    for (String bad :
        List.of(
            scan.secret("expired JWT", Jwts.mint(expired)),
            scan.secret("JWT for another audience", Jwts.mint(otherAudience)),
            scan.secret(
                "JWT signed with a foreign key", Jwts.signedWithForeignKey(Jwts.claims("x"))),
            scan.secret("unsigned JWT", Jwts.unsigned(Jwts.claims("jwt-caller"))))) {
      problem(proxied(bearer(bad).get(proxy("main", "accounts"))), 401, "unauthenticated");
      adminProblem(record(bearer(bad).get("/admin/v1/connections")), 401, "unauthenticated");
    }
    adminProblem(record(bearer(good).get("/admin/v1/connections")), 403, "forbidden");
  }

  private static RequestSpecification bearer(String token) {
    return given().header("Authorization", "Bearer " + token).urlEncodingEnabled(false);
  }

  private Map<String, List<String>> lastRequestHeaders() {
    List<Map<String, Object>> requests = sandbox.requests().getList("$");
    @SuppressWarnings("unchecked")
    Map<String, List<String>> headers =
        (Map<String, List<String>>) requests.get(requests.size() - 1).get("headers");
    return headers;
  }

  private static String wrongKey() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return "dgk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String proxy(String id, String path) {
    return "/proxy/" + id + V + path;
  }

  /** Proxy calls go out byte for byte as written. */
  private static RequestSpecification call(String key) {
    return Admin.as(key).urlEncodingEnabled(false);
  }

  private Response get(String key, String id, String path) {
    return proxied(call(key).get(proxy(id, path)));
  }

  private Response post(String key, String id, String path, String body) {
    return proxied(call(key).body(body).post(proxy(id, path)));
  }

  /** Keeps a proxy answer for the search and counts the access line it must produce. */
  private Response proxied(Response r) {
    proxyCalls++;
    return scan.record(r);
  }

  private Response record(Response r) {
    return scan.record(r);
  }

  private static Response problem(Response r, int status, String code) {
    assertEquals(status, r.statusCode(), r.asString());
    assertEquals(code, r.header("X-Dynagate-Error"), r.asString());
    // a proxy-path error is application/json (Dataverse clients read only that) with the
    // Dataverse-shaped error member beside the problem fields
    assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    assertEquals(code, r.jsonPath().getString("code"));
    assertEquals("dynagate." + code, r.jsonPath().getString("error.code"));
    assertEquals(r.jsonPath().getString("detail"), r.jsonPath().getString("error.message"));
    return r;
  }

  /** An admin API problem: always {@code application/problem+json}. */
  private static Response adminProblem(Response r, int status, String code) {
    assertEquals(status, r.statusCode(), r.asString());
    assertEquals(code, r.header("X-Dynagate-Error"), r.asString());
    assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
    assertEquals(code, r.jsonPath().getString("code"));
    return r;
  }

  private static Response ok(Response r) {
    assertEquals(200, r.statusCode(), () -> r.getHeaders() + "\n" + r.asString());
    return r;
  }

  /** An answer Dataverse gave, passed on verbatim (no gateway problem). */
  private static Response upstream(Response r, int status) {
    assertEquals(status, r.statusCode(), r.asString());
    assertNull(r.header("X-Dynagate-Error"), r.asString());
    assertNotNull(r.jsonPath().getString("error.code"), r.asString());
    return r;
  }
}
