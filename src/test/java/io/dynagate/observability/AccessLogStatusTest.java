package io.dynagate.observability;

import static io.dynagate.support.Admin.admin;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.Admin;
import io.dynagate.support.LogCapture;
import io.dynagate.support.Sandbox;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * For every error the gateway makes on the proxy path, the status in the access line and in {@code
 * dynagate_proxy_requests_seconds} is the status the caller received — including the 401s that the
 * security layer decides and the errors that come before a connection is known.
 */
@QuarkusTest
class AccessLogStatusTest {
  private static final String V = "/api/data/v9.2/";
  private static final Pattern STATUS = Pattern.compile(" status=(\\d+) ");

  @Inject SandboxLifecycle sandboxLifecycle;
  @Inject RedisDataSource redis;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  private Sandbox sandbox;
  private LogCapture logs;

  /** One gateway-made error: how to provoke it and what the caller must get. */
  private record Row(
      String name, int status, String code, Runnable prepare, Function<String, Response> send) {
    Row(String name, int status, String code, Function<String, Response> send) {
      this(name, status, code, () -> {}, send);
    }
  }

  @BeforeEach
  void setUp() {
    sandbox = Sandbox.cleanSlate(sandboxLifecycle, redis);
    logs = LogCapture.install();
  }

  @AfterEach
  void tearDown() {
    logs.uninstall();
  }

  @Test
  void theLoggedAndMeasuredStatusIsTheStatusTheCallerReceived() throws IOException {
    String full = Admin.createKey("status-full", "caller");
    String reader = Admin.createKey("status-reader", "caller");
    String adminOnly = Admin.createKey("status-ops", "admin");
    String stranger = Admin.createKey("status-stranger", "caller");
    connection("st", sandbox.connection("st"));
    grant("st", "status-full", Map.of("access", "full"));
    grant("st", "status-reader", Map.of("access", "read"));
    grant("st", "status-ops", Map.of("access", "full"));
    int closed = closedPort();
    connection(
        "st-down", sandbox.connection("st-down", "http://127.0.0.1:" + closed, sandbox.tokenUrl()));
    grant("st-down", "status-full", Map.of("access", "full"));
    connection(
        "st-noidp",
        Sandbox.connection(
            "st-noidp", sandbox.baseUrl(), "http://127.0.0.1:" + closed + "/t/oauth2/v2.0/token"));
    grant("st-noidp", "status-full", Map.of("access", "full"));
    connection(
        "st-consent",
        Map.of(
            "id",
            "st-consent",
            "orgUrl",
            sandbox.baseUrl(),
            "auth",
            Map.of(
                "type",
                "authorization_code",
                "clientId",
                "sandbox-client",
                "clientSecret",
                "sandbox-secret",
                "tokenUrl",
                sandbox.tokenUrl(),
                "authorizeUrl",
                sandbox.baseUrl() + "/t/oauth2/v2.0/authorize")));
    grant("st-consent", "status-full", Map.of("access", "full"));

    List<Row> rows = new ArrayList<>();
    rows.add(new Row("no credential", 401, "unauthenticated", id -> call(id).get(proxy("st"))));
    rows.add(
        new Row(
            "unknown API key",
            401,
            "unauthenticated",
            id -> call(id).header("X-Api-Key", "dgk_" + "D".repeat(43)).get(proxy("st"))));
    rows.add(
        new Row(
            "API key plus another API key as bearer",
            401,
            "unauthenticated",
            id ->
                call(id)
                    .header("X-Api-Key", full)
                    .header("Authorization", "Bearer " + reader)
                    .get(proxy("st"))));
    rows.add(
        new Row(
            "bearer token without a JWT issuer",
            401,
            "unauthenticated",
            id -> call(id).header("Authorization", "Bearer a.b.c").get(proxy("st"))));
    rows.add(
        new Row(
            "admin-only key",
            403,
            "forbidden",
            id -> call(id).header("X-Api-Key", adminOnly).get(proxy("st"))));
    rows.add(
        new Row(
            "read grant deletes",
            403,
            "forbidden",
            id ->
                call(id)
                    .header("X-Api-Key", reader)
                    .delete("/proxy/st" + V + "accounts(0f9d6f4a-1c2b-4e8a-9f10-000000000001)")));
    rows.add(
        new Row(
            "privileged header without the privilege",
            403,
            "forbidden",
            id ->
                call(id)
                    .header("X-Api-Key", full)
                    .header("MSCRM.BypassCustomPluginExecution", "true")
                    .get(proxy("st"))));
    rows.add(
        new Row(
            "no grant on the connection",
            404,
            "connection_not_found",
            id -> call(id).header("X-Api-Key", stranger).get(proxy("st"))));
    rows.add(
        new Row(
            "unknown connection",
            404,
            "connection_not_found",
            id -> call(id).header("X-Api-Key", full).get(proxy("no-such"))));
    rows.add(
        new Row(
            "dot segment",
            400,
            "path_not_allowed",
            id -> call(id).header("X-Api-Key", full).get("/proxy/st/api/data/v9.2/x/%2e%2e/y")));
    rows.add(
        new Row(
            "malformed $batch",
            400,
            "bad_request",
            id ->
                call(id)
                    .header("X-Api-Key", full)
                    .contentType("multipart/mixed; boundary=b")
                    .body(
                        "--b\r\nnonsense\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .post("/proxy/st" + V + "$batch")));
    rows.add(
        new Row(
            "body over the limit",
            413,
            "payload_too_large",
            id ->
                call(id)
                    .header("X-Api-Key", full)
                    .contentType("application/octet-stream")
                    .body(new byte[2 * 1024 * 1024])
                    .post("/proxy/st" + V + "accounts")));
    rows.add(
        new Row(
            "connection needs consent",
            409,
            "authorization_required",
            id -> call(id).header("X-Api-Key", full).get(proxy("st-consent"))));
    rows.add(
        new Row(
            "identity provider unreachable",
            503,
            "token_unavailable",
            id -> call(id).header("X-Api-Key", full).get(proxy("st-noidp"))));
    rows.add(
        new Row(
            "Dataverse unreachable",
            502,
            "upstream_unreachable",
            id -> call(id).header("X-Api-Key", full).get(proxy("st-down"))));
    rows.add(
        new Row(
            "connection held after an upstream 429",
            429,
            "throttled",
            () -> {
              sandbox.knobs(Map.of("fail429Next", 1, "retryAfterSeconds", 30));
              given().header("X-Api-Key", full).get(proxy("st")).then().statusCode(429);
            },
            id -> call(id).header("X-Api-Key", full).get(proxy("st"))));
    rows.add(
        new Row(
            "Dataverse too slow",
            504,
            "upstream_timeout",
            id -> {
              sandbox.knobs(Map.of("latencyMs", 6000));
              return call(id).header("X-Api-Key", full).get(proxy("st-slow-" + prepareSlow(full)));
            }));

    for (Row row : rows) {
      String requestId = "status-" + UUID.randomUUID();
      row.prepare().run();
      String before = scrape();
      Response response = row.send().apply(requestId);
      assertEquals(row.status(), response.statusCode(), row.name() + ": " + response.asString());
      assertEquals(row.code(), response.header("X-Dynagate-Error"), row.name());
      assertTrue(response.contentType().startsWith("application/json"), row.name());
      assertEquals("dynagate." + row.code(), response.jsonPath().getString("error.code"));
      String line = accessLine(requestId);
      Matcher m = STATUS.matcher(line);
      assertTrue(m.find(), line);
      assertEquals(response.statusCode(), Integer.parseInt(m.group(1)), row.name() + ": " + line);
      assertEquals(
          count(before, response.statusCode()) + 1,
          count(scrape(), response.statusCode()),
          row.name() + ": one timer sample with the received status");
    }
  }

  private String prepareSlow(String full) {
    // its own connection: the 429 hold above is on "st"
    String id = UUID.randomUUID().toString().substring(0, 8);
    connection("st-slow-" + id, sandbox.connection("st-slow-" + id));
    grant("st-slow-" + id, "status-full", Map.of("access", "full"));
    return id;
  }

  private String accessLine(String requestId) {
    String marker = "proxy requestId=" + requestId + " ";
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> logs.text().lines().anyMatch(l -> l.contains(marker)));
    String line = logs.text().lines().filter(l -> l.contains(marker)).findFirst().orElse(null);
    assertNotNull(line);
    return line;
  }

  private String scrape() {
    return given().accept("text/plain").get(metrics).asString();
  }

  /** The sum of {@code dynagate_proxy_requests_seconds_count} samples with this status. */
  private static long count(String metricsText, int status) {
    return metricsText
        .lines()
        .filter(l -> l.startsWith("dynagate_proxy_requests_seconds_count{"))
        .filter(l -> l.contains("status=\"" + status + "\""))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static RequestSpecification call(String requestId) {
    return given()
        .urlEncodingEnabled(false)
        .header("X-Request-Id", requestId)
        .header("Accept", "application/json");
  }

  private static String proxy(String connection) {
    return "/proxy/" + connection + V + "accounts?$top=1";
  }

  private static void connection(String id, Map<String, Object> body) {
    admin().body(body).post("/admin/v1/connections").then().statusCode(201);
  }

  private static void grant(String connection, String principal, Map<String, Object> grant) {
    admin()
        .body(grant)
        .put("/admin/v1/connections/" + connection + "/grants/" + principal)
        .then()
        .statusCode(200);
  }

  /** A port nothing listens on (bound, then closed: a refused connection is what is wanted). */
  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
