package io.dynagate.monitoring;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynagate.health.HealthProfile;
import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.Admin;
import io.dynagate.support.Sandbox;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A running gateway, after ordinary traffic and the failures the alerts watch for, exports every
 * metric that the alerting rules and the Grafana dashboard read; its scrape passes {@code promtool
 * check metrics}; and no label carries a path, a query, an entity id, a principal or an unknown
 * connection id.
 */
@QuarkusTest
@TestProfile(HealthProfile.class)
class ExportedMetricsTest {
  private static final String V = "/api/data/v9.2/";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Label names the gateway's own meters may carry: bounded sets only. */
  private static final Set<String> BOUNDED_LABELS =
      Set.of(
          "connection",
          "method",
          "status",
          "outcome",
          "grant",
          "tier",
          "result",
          "reason",
          "kind",
          "store",
          "state",
          "le");

  @Inject SandboxLifecycle sandboxLifecycle;
  @Inject RedisDataSource redis;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  private Sandbox sandbox;

  @BeforeEach
  void cleanSlate() {
    sandbox = Sandbox.cleanSlate(sandboxLifecycle, redis);
  }

  @Test
  void everyMetricTheRulesAndTheDashboardReadIsExported() throws Exception {
    traffic();
    Set<String> used = new TreeSet<>();
    for (JsonNode rule : AlertRulesTest.alerts()) {
      used.addAll(MetricNames.inExpression(rule.path("expr").asText()));
    }
    used.addAll(
        MetricNames.inDashboard(
            JSON.readTree(
                Files.readString(
                    java.nio.file.Path.of("deploy/monitoring/grafana/dynagate-dashboard.json")))));
    assertTrue(used.size() > 20, "the extraction found the names: " + used);
    // the per-connection gauges and probe meters come with the first health rounds (2 s here)
    Set<String> missing = new TreeSet<>();
    try {
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                Set<String> exported = MetricNames.inScrape(scrape());
                missing.clear();
                used.stream().filter(n -> !exported.contains(n)).forEach(missing::add);
                return missing.isEmpty();
              });
    } catch (ConditionTimeoutException e) {
      // fall through to the assertion, which names what is missing
    }
    assertEquals(Set.of(), missing, "read by the rules or the dashboard but not exported");
  }

  @Test
  void theScrapePassesPromtool() throws Exception {
    traffic();
    String scrape = scrape();
    Promtool.Run whole = Promtool.run(java.nio.file.Path.of("."), scrape, "check", "metrics");
    // Third-party meters (Vert.x pools: camelCase labels; JVM binders: no help text) draw lint
    // remarks, but the scrape must parse ...
    assertFalse(whole.output().contains("error while linting"), whole.output());
    // ... and the gateway's own families must be clean.
    String own =
        scrape
            .lines()
            .filter(l -> l.startsWith("dynagate_") || l.matches("# (HELP|TYPE) dynagate_.*"))
            .collect(Collectors.joining("\n", "", "\n"));
    assertTrue(own.contains("dynagate_proxy_requests_seconds_bucket"), own);
    Promtool.Run mine = Promtool.run(java.nio.file.Path.of("."), own, "check", "metrics");
    assertEquals(0, mine.exit(), mine.output());
  }

  @Test
  void labelsStayBoundedWhateverCallersSend() throws Exception {
    Admin.Caller caller = Admin.staticTokenCaller("card", sandbox.baseUrl(), "full");
    String entity = UUID.randomUUID().toString();
    String marker = "zq" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    for (int i = 0; i < 5; i++) {
      proxy(
          caller.key(),
          caller.connection(),
          "accounts(" + entity + ")?$filter=name eq '" + marker + "'");
      proxy(caller.key(), "nope-" + marker + i, "accounts");
      proxy(caller.key(), caller.connection(), "accounts_" + marker + i);
      given().get("/admin/v1/" + marker + i).then().statusCode(lessThan(500));
      given().get("/" + marker + i).then().statusCode(lessThan(500));
    }
    String scrape = scrape();
    assertEquals(List.of(), lines(scrape, entity), "an entity id became a label");
    assertEquals(
        List.of(), lines(scrape, marker), "a path, query or unknown connection id became a label");
    assertEquals(List.of(), lines(scrape, "card-reader"), "a principal became a label");
    Pattern series = Pattern.compile("^(dynagate_[a-z_]+)\\{([^}]*)}", Pattern.MULTILINE);
    Pattern label = Pattern.compile("([a-zA-Z_]+)=\"");
    Matcher m = series.matcher(scrape);
    int seen = 0;
    while (m.find()) {
      seen++;
      Matcher l = label.matcher(m.group(2));
      while (l.find()) {
        assertTrue(
            BOUNDED_LABELS.contains(l.group(1)),
            m.group(1) + " carries label " + l.group(1) + " outside the bounded set");
      }
    }
    assertTrue(seen > 10, "gateway series found: " + seen);
  }

  /** Requests that make every family appear: successes, 5xx, 429, token failures, denials. */
  private void traffic() {
    String id = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
    Admin.admin().body(sandbox.connection(id)).post("/admin/v1/connections").then().statusCode(201);
    String principal = "metrics-engine-" + UUID.randomUUID().toString().substring(0, 6);
    String key = Admin.createKey(principal, "caller");
    Admin.admin()
        .body(Map.of("access", "full"))
        .put("/admin/v1/connections/" + id + "/grants/" + principal)
        .then()
        .statusCode(200);
    assertEquals(200, proxy(key, id, "WhoAmI"));
    assertEquals(200, proxy(key, id, "accounts"));
    sandbox.knobs(Map.of("fail500Next", 1));
    assertEquals(500, proxy(key, id, "accounts"));
    sandbox.knobs(Map.of("fail429Next", 1));
    assertEquals(429, proxy(key, id, "accounts"));
    // no grant: counted as a denial
    String stranger = Admin.createKey("metrics-stranger-" + UUID.randomUUID(), "caller");
    assertEquals(404, proxy(stranger, id, "accounts"));
    // a connection whose token request is refused
    String failing = "metrics-fail-" + UUID.randomUUID().toString().substring(0, 8);
    Admin.admin()
        .body(sandbox.connection(failing))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
    Admin.admin()
        .body(Map.of("access", "read"))
        .put("/admin/v1/connections/" + failing + "/grants/" + principal)
        .then()
        .statusCode(200);
    // a read grant writing: 403, counted by reason
    assertEquals(403, proxy("POST", key, failing, "accounts"));
    sandbox.knobs(Map.of("tokenFailNext", 1, "tokenFailStatus", 400));
    assertTrue(proxy(key, failing, "accounts") >= 400);
  }

  private static int proxy(String key, String connection, String path) {
    return proxy("GET", key, connection, path);
  }

  private static int proxy(String method, String key, String connection, String path) {
    return given()
        .header("X-Api-Key", key)
        .contentType("application/json")
        .body("POST".equals(method) ? "{}" : "")
        .urlEncodingEnabled(false)
        .request(method, "/proxy/" + connection + V + path.replace(" ", "%20").replace("'", "%27"))
        .statusCode();
  }

  private static List<String> lines(String scrape, String needle) {
    return scrape.lines().filter(l -> l.contains(needle)).toList();
  }

  private String scrape() {
    return given().accept("text/plain").get(metrics).then().statusCode(200).extract().asString();
  }
}
