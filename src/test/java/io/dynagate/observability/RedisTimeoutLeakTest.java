package io.dynagate.observability;

import static io.dynagate.support.Admin.admin;
import static io.dynagate.support.Admin.createKey;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.Admin;
import io.dynagate.support.Db;
import io.dynagate.support.LeakScan;
import io.dynagate.support.LogCapture;
import io.dynagate.support.OwnRedis;
import io.dynagate.support.Sandbox;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis stops answering (its own {@code redis-server}, frozen with {@code kill -STOP}) while the
 * proxy needs it: the caller gets a 503 problem document within a bounded time — never a 500, a
 * stack trace or a hang — and nothing secret reaches the logs, the metrics or the answers.
 */
@QuarkusTest
@TestProfile(RedisTimeoutLeakTest.FrozenRedis.class)
class RedisTimeoutLeakTest {
  private static final String V = "/api/data/v9.2/";

  /** Redis commands time out after 1 s; loggers at DEBUG; the gateway uses its own Redis. */
  public static class FrozenRedis implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> overrides =
          new HashMap<>(ProxyErrorPathsLeakTest.DebugEverywhere.overrides());
      overrides.put("quarkus.redis.timeout", "1s");
      return overrides;
    }

    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(OwnRedis.class));
    }
  }

  @Inject SandboxLifecycle sandboxLifecycle;

  @ConfigProperty(name = OwnRedis.PID)
  long redisPid;

  @ConfigProperty(name = "dynagate.sandbox.client-secret")
  String sandboxSecret;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  private final LeakScan scan = new LeakScan();
  private Sandbox sandbox;
  private LogCapture logs;
  private String key;

  @BeforeEach
  void setUp() {
    Db.clean();
    sandbox = new Sandbox(sandboxLifecycle.server().orElseThrow().baseUrl());
    sandbox.reset();
    logs = LogCapture.install();
    scan.secret("sandbox client secret", sandboxSecret);
    scan.secret("bootstrap admin key", Admin.KEY);
    key = scan.secret("caller API key", createKey("engine", "caller"));
    admin()
        .body(sandbox.connection("frozen", sandboxSecret))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
    Response granted =
        admin().body(Map.of("access", "full")).put("/admin/v1/connections/frozen/grants/engine");
    assertEquals(200, granted.statusCode(), granted::asString);
    Response warm = get(); // a token is issued and cached
    assertEquals(200, warm.statusCode(), warm::asString);
  }

  @AfterEach
  void tearDown() {
    OwnRedis.thaw(redisPid);
    logs.uninstall();
  }

  @Test
  void aColdTokenCacheWithRedisFrozenIsA503Problem() {
    admin().delete("/admin/v1/connections/frozen/tokens").then().statusCode(204);
    OwnRedis.freeze(redisPid);
    try {
      expectUnavailable(
          withCallerSecrets()
              .get(proxy("accounts?$filter=name%20eq%20'" + scan.plant("query") + "'")));
    } finally {
      OwnRedis.thaw(redisPid);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> get().statusCode() == 200);
    assertNothingLeaked();
  }

  @Test
  void anUpstream401WithRedisFrozenIsA503Problem() {
    OwnRedis.freeze(redisPid);
    try {
      sandbox.knobs(Map.of("fail401Next", 1));
      int before = sandbox.dataRequests();
      expectUnavailable(withCallerSecrets().get(proxy("accounts")));
      assertEquals(before + 1, sandbox.dataRequests(), "Dataverse refused the cached token");
    } finally {
      OwnRedis.thaw(redisPid);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> get().statusCode() == 200);
    assertNothingLeaked();
  }

  /** Admin calls that need Redis answer in bounded time too (they used to wait forever). */
  @Test
  void adminCallsThatNeedRedisAnswerWhileItIsFrozen() {
    OwnRedis.freeze(redisPid);
    try {
      // forgetting tokens deletes the Redis copies: it fails as unavailable instead of hanging
      Response forget = scan.record(admin().delete("/admin/v1/connections/frozen/tokens"));
      assertTrue(forget.time() < 5_000, "answered after " + forget.time() + " ms");
      assertEquals(503, forget.statusCode(), forget.asString());
      assertEquals("unavailable", forget.header("X-Dynagate-Error"), forget.asString());
    } finally {
      OwnRedis.thaw(redisPid);
    }
    admin().delete("/admin/v1/connections/frozen/tokens").then().statusCode(204);
  }

  private void expectUnavailable(Response r) {
    scan.record(r);
    assertEquals(503, r.statusCode(), r.asString());
    String code = r.header("X-Dynagate-Error");
    assertTrue(Set.of("unavailable", "token_unavailable").contains(code), r.asString());
    // a proxy-path error is application/json (Dataverse clients read only that) with the
    // Dataverse-shaped error member beside the problem fields
    assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    assertEquals(code, r.jsonPath().getString("code"));
    assertEquals("dynagate." + code, r.jsonPath().getString("error.code"));
    assertEquals(r.jsonPath().getString("detail"), r.jsonPath().getString("error.message"));
    assertNotNull(r.header("Retry-After"));
    assertFalse(r.asString().contains("Exception"), r.asString());
    assertTrue(r.time() < 5_000, "answered after " + r.time() + " ms");
  }

  private void assertNothingLeaked() {
    for (String token : sandbox.bearerTokensSeen()) {
      scan.secret("access token issued by the sandbox", token);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> logs.text().lines().filter(l -> l.contains("proxy requestId=")).count() >= 2);
    String metricsText = given().accept("text/plain").get(metrics).asString();
    assertTrue(metricsText.contains("status=\"503\""), "the 503 was counted");
    scan.assertNoLeak(logs.text(), metricsText);
  }

  /** A proxy call that gives up after 30 s, carrying a cookie of the caller's. */
  private RequestSpecification withCallerSecrets() {
    return Admin.as(key)
        .urlEncodingEnabled(false)
        .config(
            RestAssuredConfig.config()
                .httpClient(
                    HttpClientConfig.httpClientConfig().setParam("http.socket.timeout", 30_000)))
        .header("Cookie", "session=" + scan.plant("caller-cookie"));
  }

  private Response get() {
    return scan.record(Admin.as(key).urlEncodingEnabled(false).get(proxy("accounts?$top=1")));
  }

  private static String proxy(String path) {
    return "/proxy/frozen" + V + path;
  }
}
