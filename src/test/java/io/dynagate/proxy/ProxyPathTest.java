package io.dynagate.proxy;

import static io.dynagate.support.Admin.admin;
import static io.dynagate.support.Admin.createKey;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.LogCapture;
import io.dynagate.support.RawHttp;
import io.dynagate.support.Sandbox;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The proxy path end to end through PostgreSQL, Redis and the sandbox emulator. */
@QuarkusTest
class ProxyPathTest {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final String V = "/api/data/v9.2/";

  @Inject SandboxLifecycle sandboxLifecycle;
  @Inject RedisDataSource redis;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  private Sandbox sandbox;
  private String id;
  private String callerKey;

  @BeforeEach
  void setUp() {
    sandbox = Sandbox.cleanSlate(sandboxLifecycle, redis);
    id = "sbx-" + SEQ.incrementAndGet();
    admin().body(sandbox.connection(id)).post("/admin/v1/connections").then().statusCode(201);
    callerKey = createKey("engine-" + id, "caller");
    grant("engine-" + id, Map.of("access", "full"));
  }

  private void grant(String principal, Map<String, Object> grant) {
    admin()
        .body(grant)
        .put("/admin/v1/connections/" + id + "/grants/" + principal)
        .then()
        .statusCode(200);
  }

  /** Proxy calls go out byte for byte as written (no client-side re-encoding). */
  private static io.restassured.specification.RequestSpecification call(String key) {
    return io.dynagate.support.Admin.as(key).urlEncodingEnabled(false);
  }

  private String proxy(String path) {
    return "/proxy/" + id + V + path;
  }

  /**
   * Pub/sub channels span all Redis databases: a gateway on another database (staging next to
   * production) publishing a hold for a connection of the same id must not hold this one.
   */
  @Test
  void fleetEventsOfAnotherRedisDatabaseDoNotReachThisGateway() {
    String hold = ThrottleHolds.EVENT + "|" + id + "|" + (System.currentTimeMillis() + 60_000);
    redis.pubsub(String.class).publish("dynagate:events:7", hold);
    call(callerKey).get(proxy("accounts?$top=1")).then().statusCode(200);
    // the same message on this gateway's own channel (test profile: database 1) holds it
    redis.pubsub(String.class).publish("dynagate:events:1", hold);
    await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> call(callerKey).get(proxy("accounts?$top=1")).statusCode() == 429);
    assertEquals(1, sandbox.dataRequests());
  }

  @Test
  void callerReadsSandboxAccountsThroughTheGateway() {
    call(callerKey)
        .get(proxy("accounts?$select=name&$top=2"))
        .then()
        .statusCode(200)
        .header("X-Request-Id", notNullValue())
        .header("OData-Version", "4.0")
        .body("value.size()", equalTo(2))
        .body("value[0].name", notNullValue());
  }

  @Test
  void theBearerTokenReachesTheUpstreamAndTheCallerKeyDoesNot() {
    call(callerKey)
        .header("Cookie", "session=abc")
        .header("X-Forwarded-For", "10.0.0.1")
        .header("X-Forwarded-Host", "evil.example.org")
        .header("Forwarded", "for=10.0.0.1")
        .header("Connection", "X-Hop")
        .header("X-Hop", "drop-me")
        .header("Prefer", "odata.include-annotations=\"*\"")
        .get(proxy("accounts?$top=1"))
        .then()
        .statusCode(200);
    Map<String, List<String>> headers = lastRequestHeaders();
    String auth = headers.get("authorization").get(0);
    assertTrue(auth.startsWith("Bearer "), "the upstream got a bearer token");
    assertFalse(auth.contains(callerKey));
    for (String dropped :
        List.of(
            "x-api-key", "cookie", "x-forwarded-for", "x-forwarded-host", "forwarded", "x-hop")) {
      assertFalse(headers.containsKey(dropped), dropped + " must not reach Dataverse");
    }
    assertEquals(List.of("odata.include-annotations=\"*\""), headers.get("prefer"));
    String host = headers.get("host").get(0);
    assertTrue(sandbox.baseUrl().endsWith(host), "Host comes from the connection: " + host);
  }

  private Map<String, List<String>> lastRequestHeaders() {
    List<Map<String, Object>> requests = sandbox.requests().getList("$");
    @SuppressWarnings("unchecked")
    Map<String, List<String>> raw =
        (Map<String, List<String>>) requests.get(requests.size() - 1).get("headers");
    Map<String, List<String>> lower = new java.util.HashMap<>();
    raw.forEach((k, v) -> lower.put(k.toLowerCase(java.util.Locale.ROOT), v));
    return lower;
  }

  @Test
  void hundredSequentialCallsCauseOneTokenRequest() {
    for (int i = 0; i < 100; i++) {
      call(callerKey).get(proxy("accounts?$top=1")).then().statusCode(200);
    }
    assertEquals(1, sandbox.tokenRequests());
    assertEquals(100, sandbox.dataRequests());
  }

  @Test
  void fiftyConcurrentCallsOnAColdCacheCauseOneTokenRequest() throws Exception {
    HttpClient client = HttpClient.newHttpClient(); // tries h2c: HTTP/2 callers too
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(
          client.sendAsync(
              HttpRequest.newBuilder(
                      URI.create(
                          RestAssured.baseURI + ":" + RestAssured.port + proxy("accounts?$top=1")))
                  .header("X-Api-Key", callerKey)
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> call : calls) {
      assertEquals(200, call.get().statusCode());
    }
    assertEquals(1, sandbox.tokenRequests());
  }

  @Test
  void readGrantCanGetButNotWrite() {
    String reader = createKey("reader-" + id, "caller");
    grant("reader-" + id, Map.of("access", "read"));
    call(reader).get(proxy("accounts?$top=1")).then().statusCode(200);
    int before = sandbox.dataRequests();
    call(reader)
        .body("{\"name\":\"x\"}")
        .post(proxy("accounts"))
        .then()
        .statusCode(403)
        .header("X-Dynagate-Error", "forbidden");
    call(reader)
        .body("{\"name\":\"x\"}")
        .patch(proxy("accounts(00000000-0000-0000-0000-000000000001)"))
        .then()
        .statusCode(403);
    call(reader)
        .body("{\"name\":\"x\"}")
        .put(proxy("accounts(00000000-0000-0000-0000-000000000001)/name"))
        .then()
        .statusCode(403);
    call(reader)
        .delete(proxy("accounts(00000000-0000-0000-0000-000000000001)"))
        .then()
        .statusCode(403);
    assertEquals(before, sandbox.dataRequests(), "nothing reached Dataverse");
  }

  @Test
  void entitySetGrantBlocksOtherSets() {
    String limited = createKey("limited-" + id, "caller");
    grant("limited-" + id, Map.of("access", "full", "entitySets", List.of("accounts")));
    call(limited).get(proxy("accounts?$top=1")).then().statusCode(200);
    int before = sandbox.dataRequests();
    call(limited).get(proxy("contacts")).then().statusCode(403).body("code", equalTo("forbidden"));
    call(limited).get(proxy("WhoAmI")).then().statusCode(403);
    call(limited)
        .body(batch("GET /api/data/v9.2/contacts?$top=1 HTTP/1.1"))
        .contentType("multipart/mixed; boundary=batch_b")
        .post(proxy("$batch"))
        .then()
        .statusCode(403);
    assertEquals(before, sandbox.dataRequests());
  }

  /** A $batch body of top-level GETs and, optionally, one change set of writes. */
  private static byte[] batch(String... requests) {
    StringBuilder b = new StringBuilder();
    List<String> changes = new ArrayList<>();
    for (String r : requests) {
      if (r.startsWith("GET")) {
        b.append("--batch_b\r\nContent-Type: application/http\r\n")
            .append("Content-Transfer-Encoding: binary\r\n\r\n")
            .append(r)
            .append("\r\nAccept: application/json\r\n\r\n");
      } else {
        changes.add(r);
      }
    }
    if (!changes.isEmpty()) {
      b.append("--batch_b\r\nContent-Type: multipart/mixed; boundary=changeset_c\r\n\r\n");
      int n = 1;
      for (String r : changes) {
        b.append("--changeset_c\r\nContent-Type: application/http\r\n")
            .append("Content-Transfer-Encoding: binary\r\nContent-ID: ")
            .append(n++)
            .append("\r\n\r\n")
            .append(r)
            .append("\r\nContent-Type: application/json\r\n\r\n{\"name\":\"in batch\"}\r\n");
      }
      b.append("--changeset_c--\r\n");
    }
    b.append("--batch_b--\r\n");
    return b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private io.restassured.response.Response postBatch(String key, byte[] body) {
    return call(key)
        .body(body)
        .contentType("multipart/mixed; boundary=batch_b")
        .post(proxy("$batch"));
  }

  @Test
  void batchesAreCheckedPartByPartAndForwardedUnchanged() {
    // a full grant: reads and a change set pass through to Dataverse as sent
    Response ok =
        postBatch(
            callerKey,
            batch(
                "GET /api/data/v9.2/accounts?$top=1 HTTP/1.1",
                "POST " + sandbox.baseUrl() + "/api/data/v9.2/accounts HTTP/1.1"));
    assertEquals(200, ok.statusCode(), ok.asString());
    assertTrue(
        ok.asString().contains("HTTP/1.1 204") || ok.asString().contains("HTTP/1.1 201"),
        ok.asString());
    assertEquals(1, sandbox.dataRequests(), "a batch is one request upstream");

    // a read grant may batch reads, but no write inside a batch, plain or in a change set
    String reader = createKey("batch-reader-" + id, "caller");
    grant("batch-reader-" + id, Map.of("access", "read"));
    assertEquals(
        200, postBatch(reader, batch("GET /api/data/v9.2/accounts?$top=1 HTTP/1.1")).statusCode());
    int before = sandbox.dataRequests();
    for (String write :
        List.of(
            "POST /api/data/v9.2/accounts HTTP/1.1",
            "PATCH /api/data/v9.2/accounts(00000000-0000-0000-0000-000000000001) HTTP/1.1",
            "DELETE "
                + sandbox.baseUrl()
                + "/api/data/v9.2/accounts(00000000-0000-0000-0000-000000000001) HTTP/1.1")) {
      postBatch(reader, batch("GET /api/data/v9.2/accounts HTTP/1.1", write))
          .then()
          .statusCode(403)
          .header("X-Dynagate-Error", "forbidden");
    }
    // an inner absolute URL must point at the connection's org
    postBatch(callerKey, batch("GET https://evil.example.org/api/data/v9.2/accounts HTTP/1.1"))
        .then()
        .statusCode(400)
        .header("X-Dynagate-Error", "path_not_allowed");
    // traversal inside a part, and a malformed body
    postBatch(callerKey, batch("GET /api/data/v9.2/../../admin HTTP/1.1")).then().statusCode(400);
    postBatch(
            callerKey,
            "--batch_b\r\nnonsense\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .then()
        .statusCode(400)
        .header("X-Dynagate-Error", "bad_request");
    assertEquals(before, sandbox.dataRequests(), "nothing refused reached Dataverse");
  }

  @Test
  void impersonationNeedsPermission() {
    String plain = createKey("plain-" + id, "caller");
    grant("plain-" + id, Map.of("access", "full"));
    call(plain)
        .header("CallerObjectId", "00000000-0000-0000-0000-0000000000ff")
        .get(proxy("accounts"))
        .then()
        .statusCode(403);
    call(plain).header("MSCRMCallerID", "x").get(proxy("accounts")).then().statusCode(403);
    assertEquals(0, sandbox.dataRequests());
  }

  @Test
  void unknownConnectionAndConnectionWithoutGrantAnswerIdentically() {
    String stranger = createKey("stranger-" + id, "caller");
    Response unknown =
        call(stranger)
            .header("X-Request-Id", "same-id")
            .get("/proxy/no-such-connection" + V + "accounts");
    Response noGrant = call(stranger).header("X-Request-Id", "same-id").get(proxy("accounts"));
    assertEquals(404, unknown.statusCode());
    assertEquals(unknown.statusCode(), noGrant.statusCode());
    assertEquals(unknown.asString(), noGrant.asString());
    assertEquals(unknown.header("X-Dynagate-Error"), noGrant.header("X-Dynagate-Error"));
    assertEquals(unknown.contentType(), noGrant.contentType());
    assertEquals(0, sandbox.dataRequests());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "api/data/v9.2/../../admin/v1/connections",
        "api/data/v9.2/%2e%2e/%2e%2e/admin",
        "api/data/v9.2/%2E%2E/accounts",
        "api/data/v9.2/accounts%2f..%2fcontacts",
        "api/data/v9.2/%252e%252e/accounts",
        "api/data/v9.2/accounts%5c..",
        "api/data/v9.2\\..\\accounts",
        "api/data/v9.2/accounts%00",
        "api/data//v9.2/accounts",
        "//evil.example.org/api/data/v9.2/accounts",
        "https://evil.example.org/api/data/v9.2/accounts",
        "http:/evil.example.org/api/data/v9.2/accounts",
        "api/data/v9.2/./accounts",
        "admin/v1/connections",
        "",
        "api/data/v9.2/accounts?$filter=name%20eq%20'x'#frag"
      })
  void traversalAndEncodingTricksAre400WithNothingSentUpstream(String trick) throws IOException {
    RawHttp.Answer answer =
        RawHttp.send(
            RestAssured.port, "GET", "/proxy/" + id + "/" + trick, "X-Api-Key: " + callerKey);
    assertEquals(400, answer.status(), answer.text());
    // a backslash never gets past the HTTP server's request-line parser (bare 400, no routing)
    assertTrue(answer.text().contains("path_not_allowed") || trick.contains("\\"), answer.text());
    assertEquals(0, sandbox.dataRequests());
    assertEquals(0, sandbox.tokenRequests(), "no token was even fetched");
  }

  @Test
  void absoluteFormRequestTargetsCannotChooseTheUpstream() throws IOException {
    RawHttp.Answer answer =
        RawHttp.send(
            RestAssured.port,
            "GET",
            "http://evil.example.org/proxy/" + id + V + "accounts?$top=1",
            "X-Api-Key: " + callerKey,
            "X-Forwarded-Host: evil.example.org");
    if (answer.status() == 200) {
      assertEquals(1, sandbox.dataRequests(), "it went to the connection's org");
    } else {
      assertEquals(0, sandbox.dataRequests());
    }
  }

  @Test
  void upstreamDownIs502() {
    String down = "down-" + id;
    admin()
        .body(Sandbox.connection(down, "http://127.0.0.1:" + freePort(), sandbox.tokenUrl()))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
    admin()
        .body(Map.of("access", "read"))
        .put("/admin/v1/connections/" + down + "/grants/engine-" + id)
        .then()
        .statusCode(200);
    call(callerKey)
        .get("/proxy/" + down + V + "accounts")
        .then()
        .statusCode(502)
        .header("X-Dynagate-Error", "upstream_unreachable")
        .body("code", equalTo("upstream_unreachable"));
  }

  @Test
  void upstreamSlowIs504() {
    sandbox.knobs(Map.of("latencyMs", 6000));
    call(callerKey)
        .get(proxy("accounts"))
        .then()
        .statusCode(504)
        .header("X-Dynagate-Error", "upstream_timeout");
  }

  @Test
  void identityProviderDownWithNoTokenIs503WithRetryAfter() {
    String idpDown = "idp-down-" + id;
    admin()
        .body(
            Sandbox.connection(
                idpDown,
                sandbox.baseUrl(),
                "http://127.0.0.1:" + freePort() + "/t/oauth2/v2.0/token"))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
    admin()
        .body(Map.of("access", "read"))
        .put("/admin/v1/connections/" + idpDown + "/grants/engine-" + id)
        .then()
        .statusCode(200);
    call(callerKey)
        .get("/proxy/" + idpDown + V + "accounts")
        .then()
        .statusCode(503)
        .header("X-Dynagate-Error", "token_unavailable")
        .header("Retry-After", notNullValue());
    assertEquals(0, sandbox.dataRequests());
    admin()
        .get("/admin/v1/connections/" + idpDown + "/status")
        .then()
        .body("state", equalTo("refresh_failed"))
        .body("lastError.error", equalTo("unreachable"));
  }

  @Test
  void identityProviderRefusalIsRecordedWithoutSecrets() {
    String bad = "bad-secret-" + id;
    Map<String, Object> body = new java.util.HashMap<>(sandbox.connection(bad));
    body.put(
        "auth",
        Map.of(
            "type", "client_credentials",
            "clientId", "sandbox-client",
            "clientSecret", "wrong-secret-value",
            "tokenUrl", sandbox.tokenUrl()));
    admin().body(body).post("/admin/v1/connections").then().statusCode(201);
    admin()
        .body(Map.of("access", "read"))
        .put("/admin/v1/connections/" + bad + "/grants/engine-" + id)
        .then()
        .statusCode(200);
    call(callerKey).get("/proxy/" + bad + V + "accounts").then().statusCode(503);
    admin()
        .get("/admin/v1/connections/" + bad + "/status")
        .then()
        .body("state", equalTo("refresh_failed"))
        .body("lastError.error", equalTo("invalid_client"))
        .body("lastError.description", containsString("AADSTS7000215"))
        .body(not(containsString("wrong-secret-value")));
  }

  @Test
  void upstreamErrorsPassThroughVerbatim() {
    call(callerKey)
        .get(proxy("accounts(00000000-0000-0000-0000-00000000dead)"))
        .then()
        .statusCode(404)
        .header("X-Dynagate-Error", (String) null)
        .body("error.code", equalTo("0x80040217"));
    call(callerKey)
        .get(proxy("nosuchset"))
        .then()
        .statusCode(404)
        .body("error.code", org.hamcrest.Matchers.matchesPattern("0x8006088[8a]"));
  }

  @Test
  void anUpstream401DropsThatTokenRefreshesOnceAndRetriesOnce() {
    call(callerKey).get(proxy("accounts?$top=1")).then().statusCode(200);
    sandbox.knobs(Map.of("fail401Next", 1));
    call(callerKey).get(proxy("accounts?$top=1")).then().statusCode(200);
    assertEquals(2, sandbox.tokenRequests(), "one new token after the 401");
    assertEquals(3, sandbox.dataRequests(), "the refused call was sent once more");
    // a small body is held and replayed
    sandbox.knobs(Map.of("fail401Next", 1));
    call(callerKey)
        .body("{\"name\":\"replayed\"}")
        .contentType("application/json")
        .post(proxy("accounts"))
        .then()
        .statusCode(204);
    assertEquals(3, sandbox.tokenRequests());
    assertEquals(5, sandbox.dataRequests());
    // a body over the replay buffer streams and is not replayed: the 401 goes back to the caller
    sandbox.knobs(Map.of("fail401Next", 1));
    call(callerKey)
        .body("{\"name\":\"" + "x".repeat(100_000) + "\"}")
        .contentType("application/json")
        .post(proxy("accounts"))
        .then()
        .statusCode(401);
    assertEquals(6, sandbox.dataRequests());
    // two 401s in a row: one retry only
    sandbox.knobs(Map.of("fail401Next", 2));
    call(callerKey).get(proxy("accounts?$top=1")).then().statusCode(401);
    assertEquals(8, sandbox.dataRequests());
  }

  @Test
  void upstream429IsPassedOnThenTheConnectionIsHeld() {
    sandbox.knobs(Map.of("fail429Next", 1, "retryAfterSeconds", 3));
    call(callerKey)
        .get(proxy("accounts"))
        .then()
        .statusCode(429)
        .header("Retry-After", "3")
        .header("X-Dynagate-Error", (String) null);
    call(callerKey)
        .get(proxy("accounts"))
        .then()
        .statusCode(429)
        .header("X-Dynagate-Error", "throttled")
        .header("Retry-After", notNullValue());
    assertEquals(1, sandbox.dataRequests(), "the held call did not reach Dataverse");
  }

  @Test
  void pagingLinksAreRewrittenToTheGateway() {
    String prefix = "http://localhost:8080/proxy/" + id + V;
    String next =
        call(callerKey)
            .header("Prefer", "odata.maxpagesize=2")
            .get(proxy("accounts?$select=name"))
            .then()
            .statusCode(200)
            .header("Preference-Applied", "odata.maxpagesize=2")
            .body("'@odata.nextLink'", startsWith(prefix))
            .extract()
            .path("'@odata.nextLink'");
    Set<String> names = new HashSet<>();
    int pages = 1;
    while (next != null && pages < 20) {
      Response page =
          call(callerKey)
              .urlEncodingEnabled(false)
              .header("Prefer", "odata.maxpagesize=2")
              .get("/proxy/" + id + V + next.substring(prefix.length()));
      assertEquals(200, page.statusCode(), page.asString());
      names.addAll(page.jsonPath().getList("value.name"));
      next = page.jsonPath().getString("'@odata.nextLink'");
      pages++;
    }
    assertTrue(pages > 2, "several pages were followed");
    assertTrue(names.size() >= 2 * (pages - 2), "each page brought new records: " + names);
    assertTrue(next == null, "paging ended");
  }

  @Test
  void createReturnsAGatewayEntityId() {
    call(callerKey)
        .body("{\"name\":\"Created through dynagate\"}")
        .post(proxy("accounts"))
        .then()
        .statusCode(204)
        .header(
            "OData-EntityId", startsWith("http://localhost:8080/proxy/" + id + V + "accounts("));
  }

  @Test
  void oversizedBodiesAre413WithNothingSent() throws IOException {
    RawHttp.Answer answer =
        RawHttp.send(
            RestAssured.port,
            "POST",
            proxy("accounts"),
            "X-Api-Key: " + callerKey,
            "Content-Type: application/json",
            "Content-Length: 2000000");
    assertEquals(413, answer.status(), answer.text());
    assertTrue(answer.text().contains("payload_too_large"));
    assertEquals(0, sandbox.dataRequests());
  }

  @Test
  void staticTokenConnectionsSendTheirTokenAndExpiredOnesNeedAuthorization() {
    String byot = "byot-" + id;
    admin()
        .body(
            Map.of(
                "id",
                byot,
                "orgUrl",
                sandbox.baseUrl(),
                "auth",
                Map.of("type", "static_token", "accessToken", "not-issued-by-sandbox")))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
    admin()
        .body(Map.of("access", "read"))
        .put("/admin/v1/connections/" + byot + "/grants/engine-" + id)
        .then()
        .statusCode(200);
    call(callerKey)
        .get("/proxy/" + byot + V + "accounts")
        .then()
        .statusCode(401)
        .header("X-Dynagate-Error", (String) null);
    assertEquals("Bearer not-issued-by-sandbox", lastRequestHeaders().get("authorization").get(0));
    String stale = "stale-" + id;
    admin()
        .body(
            Map.of(
                "id",
                stale,
                "orgUrl",
                sandbox.baseUrl(),
                "auth",
                Map.of(
                    "type",
                    "static_token",
                    "accessToken",
                    "t",
                    "expiresAt",
                    "2001-01-01T00:00:00Z")))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
    admin()
        .body(Map.of("access", "read"))
        .put("/admin/v1/connections/" + stale + "/grants/engine-" + id)
        .then()
        .statusCode(200);
    call(callerKey)
        .get("/proxy/" + stale + V + "accounts")
        .then()
        .statusCode(409)
        .header("X-Dynagate-Error", "authorization_required");
  }

  @Test
  void anonymousAndAdminOnlyCallersAreRefused() {
    given()
        .get(proxy("accounts"))
        .then()
        .statusCode(401)
        .header("X-Dynagate-Error", "unauthenticated");
    call("dgk_" + "C".repeat(43)).get(proxy("accounts")).then().statusCode(401);
    String adminOnly = createKey("ops-" + id, "admin");
    grant("ops-" + id, Map.of("access", "full"));
    call(adminOnly).get(proxy("accounts")).then().statusCode(403);
    assertEquals(0, sandbox.dataRequests());
  }

  @Test
  void metricsAndTheAccessLogDescribeEachRequestWithoutSecretsOrQueries() {
    LogCapture logs = LogCapture.install();
    try {
      call(callerKey)
          .get(proxy("accounts?$filter=name%20eq%20'SECRET-QUERY'"))
          .then()
          .statusCode(200);
      // the line is written when the response has ended, which may be just after the client saw it
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(5))
          .until(() -> logs.text().contains("proxy requestId="));
    } finally {
      logs.uninstall();
    }
    String log = logs.text();
    assertEquals(1, log.lines().filter(l -> l.contains("proxy requestId=")).count(), log);
    assertTrue(log.contains("connection=" + id), log);
    assertTrue(log.contains("principal=engine-" + id), log);
    assertTrue(log.contains("entitySet=accounts"), log);
    assertTrue(log.contains("status=200"), log);
    assertFalse(log.contains("SECRET-QUERY"), "no query string in logs");
    assertFalse(log.contains(callerKey), "no API key in logs");
    String text = given().accept("text/plain").get(metrics).asString();
    assertMetric(
        text,
        "dynagate_proxy_requests_seconds_count",
        "connection=\"" + id + "\"",
        "method=\"GET\"",
        "status=\"200\"");
    assertMetric(
        text,
        "dynagate_token_fetches_total",
        "connection=\"" + id + "\"",
        "grant=\"client_credentials\"",
        "outcome=\"success\"");
    assertMetric(text, "dynagate_token_cache_total", "tier=\"local\"", "result=\"miss\"");
    assertFalse(text.contains("SECRET-QUERY"));
  }

  /** A sample line of {@code name} carrying every given label (label order is the exporter's). */
  private static void assertMetric(String text, String name, String... labels) {
    boolean found =
        text.lines()
            .filter(l -> l.startsWith(name + "{"))
            .anyMatch(l -> java.util.Arrays.stream(labels).allMatch(l::contains));
    assertTrue(found, name + " with " + String.join(",", labels) + " missing");
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
