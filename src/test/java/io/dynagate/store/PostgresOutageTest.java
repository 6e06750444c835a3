package io.dynagate.store;

import static io.dynagate.support.Admin.admin;
import static io.dynagate.support.Admin.as;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.apikey.ApiKeys;
import io.dynagate.support.Admin;
import io.dynagate.support.CountingUpstream;
import io.dynagate.support.Db;
import io.dynagate.support.LogCapture;
import io.dynagate.support.TcpRelay;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL refused or partitioned (a TCP relay in front of the real server) while warm traffic
 * runs: the proxy keeps deciding from the last known keys, grants and connections, no caller gets a
 * 500 or waits out more than the store timeouts, revocations that arrive as fleet events still
 * apply, cold callers are refused with 503, and everything recovers without a restart.
 */
@QuarkusTest
@TestProfile(PostgresOutageTest.Relayed.class)
public class PostgresOutageTest {
  public static final TcpRelay RELAY = TcpRelay.to(5432);
  private static final String V = "/api/data/v9.2/";

  /** The reactive client goes through the relay; Flyway (JDBC, at start) straight to PostgreSQL. */
  public static class Relayed implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.datasource.reactive.url",
          "postgresql://127.0.0.1:" + RELAY.port() + "/" + database(),
          "dynagate.store.max-staleness",
          "PT30S",
          "dynagate.store.connect-timeout",
          "PT1S",
          "dynagate.store.acquire-timeout",
          "PT1S",
          "dynagate.store.query-timeout",
          "PT1S");
    }
  }

  /** The test database's name (a developer's run may point the test profile elsewhere). */
  static String database() {
    String url = System.getenv("_TEST_QUARKUS_DATASOURCE_REACTIVE_URL");
    return url == null ? "dynagate_test" : url.substring(url.lastIndexOf('/') + 1);
  }

  @Inject Vertx vertx;
  @Inject RedisDataSource redis;

  @TestHTTPResource("/")
  URL gateway;

  @TestHTTPResource(value = "/health/ready", management = true)
  URL ready;

  private CountingUpstream upstream;
  private Admin.Caller caller;

  @BeforeEach
  void upstreamAndCaller() throws Exception {
    RELAY.heal();
    await().atMost(Duration.ofSeconds(10)).until(this::adminAnswers);
    Db.clean();
    redis.execute("FLUSHDB");
    upstream = CountingUpstream.start(vertx);
    caller = Admin.staticTokenCaller("outage", upstream.url(), "read");
    as(caller.key()).get(target()).then().statusCode(200); // warm: key, grant, connection, token
  }

  @AfterEach
  void heal() throws Exception {
    RELAY.heal();
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  void refusedForTenSecondsUnderLoad() throws Exception {
    outageUnderLoad(RELAY::refuse);
  }

  @Test
  void partitionedForTenSecondsUnderLoad() throws Exception {
    outageUnderLoad(RELAY::partition);
  }

  private void outageUnderLoad(Runnable outage) throws Exception {
    LogCapture log = LogCapture.install();
    try {
      int before = upstream.requests();
      Load load =
          Load.start(
              8,
              Duration.ofSeconds(14),
              URI.create(gateway + target().substring(1)),
              caller.key(),
              "warm");
      // the admin API and first uses of keys need PostgreSQL: 503 during the outage, never 500
      Load adminLoad =
          Load.start(
              2,
              Duration.ofSeconds(14),
              URI.create(gateway + "admin/v1/connections"),
              Admin.KEY,
              "admin");
      Load coldKeys =
          Load.start(
              1,
              Duration.ofSeconds(14),
              URI.create(gateway + target().substring(1)),
              "dgk_" + "D".repeat(43),
              "cold");
      Thread.sleep(2_000);
      outage.run();
      long outageStart = load.elapsedMs();

      Thread.sleep(3_000);
      // the admin API needs PostgreSQL: 503 within the timeouts, never a 500 or a hang
      long t0 = System.nanoTime();
      admin()
          .get("/admin/v1/connections")
          .then()
          .statusCode(503)
          .header("X-Dynagate-Error", "unavailable");
      long adminMs = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(adminMs < 3_500, "admin call waited " + adminMs + " ms");
      // a caller nobody knows is refused (fail closed), not let through
      as("dgk_" + "C".repeat(43)).get(target()).then().statusCode(503);
      // still ready: this replica decides from what it knew
      given().get(ready).then().statusCode(200);

      Thread.sleep(10_000 - 3_000 - adminMs);
      RELAY.heal();
      long outageEnd = load.elapsedMs();
      List<Load.Result> results = load.await();
      List<Load.Result> admin = adminLoad.await();
      List<Load.Result> cold = coldKeys.await();
      String adminSummary = Load.summary(admin) + " / cold keys " + Load.summary(cold);
      assertTrue(
          admin.stream().allMatch(r -> r.status() == 200 || r.status() == 503)
              && cold.stream().allMatch(r -> r.status() == 401 || r.status() == 503),
          "only 200/401 or 503 while PostgreSQL comes and goes: " + adminSummary);
      assertTrue(
          admin.stream()
              .filter(r -> r.startMs() > outageStart + 2_500 && r.startMs() < outageEnd - 500)
              .allMatch(r -> r.status() == 503 && "unavailable".equals(r.error())),
          "the admin API is 503 unavailable during the outage: " + adminSummary);
      assertTrue(
          admin.stream().mapToLong(Load.Result::millis).max().orElse(0) < 3_500,
          "no admin call waits longer than the store timeouts: " + adminSummary);

      String summary =
          Load.summary(results)
              + ", upstream "
              + (upstream.requests() - before)
              + ", access lines 200: "
              + accessLines(log, "warm", caller.connection(), 200);
      long during =
          results.stream()
              .filter(r -> r.startMs() > outageStart + 1_500 && r.startMs() < outageEnd)
              .count();
      assertTrue(during > 100, "too few requests during the outage: " + summary);
      assertTrue(
          results.stream().allMatch(r -> r.status() == 200),
          "every warm request succeeds within the staleness: " + summary);
      long slowest = results.stream().mapToLong(Load.Result::millis).max().orElse(0);
      assertTrue(slowest < 2_500, "no request waits longer than the store timeouts: " + summary);
      // each answer came from the upstream, and each access line says what the caller got
      assertEquals(results.size(), upstream.requests() - before, summary);
      assertEquals(results.size(), accessLines(log, "warm", caller.connection(), 200), summary);
      assertEquals(0, accessLines(log, "warm", caller.connection(), 500), summary);
      // the unknown key's answers too (logged without a connection, since nobody was
      // authenticated): each access line has the status the caller got
      for (int status : new int[] {401, 503}) {
        assertEquals(
            cold.stream().filter(r -> r.status() == status).count(),
            accessLines(log, "cold", "-", status),
            "access lines with status " + status + ": " + adminSummary);
      }
      // thousands of refused store calls, a handful of log lines, none with a stack trace
      List<String> loud =
          log.text().lines().filter(l -> l.startsWith("WARN") || l.startsWith("ERROR")).toList();
      assertTrue(loud.size() <= 10, "log lines during the outage: " + loud);
      assertTrue(!log.text().contains("\tat "), "a stack trace was logged during the outage");
    } finally {
      log.uninstall();
    }

    // recovery without a restart: the admin API and a brand-new caller work again
    await().atMost(Duration.ofSeconds(10)).until(this::adminAnswers);
    Admin.Caller fresh = Admin.staticTokenCaller("after", upstream.url(), "read");
    as(fresh.key()).get("/proxy/" + fresh.connection() + V + "accounts").then().statusCode(200);
  }

  @Test
  void revocationsThatArriveAsFleetEventsApplyDuringTheOutage() throws Exception {
    Admin.Caller other = Admin.staticTokenCaller("other", upstream.url(), "read");
    as(other.key()).get("/proxy/" + other.connection() + V + "accounts").then().statusCode(200);
    RELAY.refuse();
    Thread.sleep(1_200); // past the fresh TTL: both callers now decide from last known answers
    as(caller.key()).get(target()).then().statusCode(200);
    as(other.key()).get("/proxy/" + other.connection() + V + "accounts").then().statusCode(200);
    int before = upstream.requests();

    // another replica revoked the key, and changed the other caller's grant
    String channel = eventChannel();
    redis.pubsub(String.class).publish(channel, "apikey-revoked|" + ApiKeys.hashHex(caller.key()));
    redis
        .pubsub(String.class)
        .publish(channel, "grant-changed|" + other.connection() + "\n" + principalOf(other));

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                as(caller.key())
                    .get(target())
                    .then()
                    .statusCode(503)
                    .body("code", equalTo("unavailable")));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                as(other.key())
                    .get("/proxy/" + other.connection() + V + "accounts")
                    .then()
                    .statusCode(503));
    assertEquals(before, upstream.requests(), "nothing revoked reached the upstream");
  }

  private static String principalOf(Admin.Caller c) {
    // Admin.staticTokenCaller names the principal <prefix>-reader-<suffix of the connection>
    String connection = c.connection();
    int dash = connection.indexOf('-');
    return connection.substring(0, dash) + "-reader-" + connection.substring(dash + 1);
  }

  /** The fleet channel of the Redis database the gateway uses. */
  private static String eventChannel() {
    String hosts =
        org.eclipse.microprofile.config.ConfigProvider.getConfig()
            .getValue("quarkus.redis.hosts", String.class);
    String db = URI.create(hosts.split(",")[0].trim()).getPath().replace("/", "");
    return "dynagate:events:" + (db.isEmpty() ? "0" : db);
  }

  private String target() {
    return "/proxy/" + caller.connection() + V + "accounts";
  }

  private boolean adminAnswers() {
    return admin().get("/admin/v1/connections").statusCode() == 200;
  }

  /** Access lines of requests whose id starts with {@code idPrefix-}. */
  static long accessLines(LogCapture log, String idPrefix, String connection, int status) {
    Matcher m =
        Pattern.compile(
                "requestId="
                    + Pattern.quote(idPrefix)
                    + "-[0-9]+ .*?connection="
                    + Pattern.quote(connection)
                    + " .*?status="
                    + status
                    + " ")
            .matcher(log.text());
    long n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
