package io.dynagate.fleet;

import static io.dynagate.support.Admin.admin;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.Admin;
import io.dynagate.support.Db;
import io.dynagate.support.RedisProcess;
import io.dynagate.support.Sandbox;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fleet events survive the loss of Redis: the gateway's own {@code redis-server} is killed ({@code
 * kill -9}) and started again on the same port, or only the subscriber's connection is killed. The
 * gateway subscribes again within seconds, says so in readiness and metrics, hears what is
 * published afterwards, and reads back the throttle holds it could not hear.
 */
@QuarkusTest
@TestProfile(FleetResubscribeTest.OwnRedis.class)
class FleetResubscribeTest {
  private static final String V = "/api/data/v9.2/";
  private static final String CHANNEL = "dynagate:events:0";
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final Pattern GAUGE =
      Pattern.compile("(?m)^dynagate_fleet_subscribed(?:\\{[^}]*\\})? ([0-9.]+)$");

  /** The gateway uses a Redis of its own that the test may kill. */
  public static class OwnRedis implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(RestartableRedis.class));
    }
  }

  @Inject SandboxLifecycle sandboxLifecycle;

  @TestHTTPResource(value = "/health/ready", management = true)
  URL ready;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  private Sandbox sandbox;

  @BeforeEach
  void setUp() {
    Db.clean();
    sandbox = new Sandbox(sandboxLifecycle.server().orElseThrow().baseUrl());
    sandbox.reset();
  }

  @Test
  void afterARedisRestartTheGatewaySubscribesAgainAndHearsAHold() {
    RedisProcess redis = RestartableRedis.server();
    String key = connectionWithCaller("restart-" + SEQ.incrementAndGet());
    String id = lastId;
    assertEquals(200, get(key, id).statusCode());
    assertEquals(1, RedisProcess.subscribers(redis.port(), CHANNEL));
    assertEquals("UP", fleetCheck());
    assertEquals(1.0, gauge());

    redis.crash();
    await().atMost(Duration.ofSeconds(10)).until(() -> "DOWN".equals(fleetCheck()));
    assertEquals(0.0, gauge());
    given().get(ready).then().statusCode(503);

    long restarted = System.nanoTime();
    redis.start();
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> RedisProcess.subscribers(redis.port(), CHANNEL) == 1);
    long resubscribedMs = (System.nanoTime() - restarted) / 1_000_000;
    System.out.printf(
        "fleet events subscribed again %d ms after Redis came back%n", resubscribedMs);
    await().atMost(Duration.ofSeconds(5)).until(() -> "UP".equals(fleetCheck()));
    assertEquals(1.0, gauge());

    // another replica's hold, published after the restart, holds this one
    int before = sandbox.dataRequests();
    String hold = "throttle|" + id + "|" + (System.currentTimeMillis() + 60_000);
    assertEquals("1", redis.cli("PUBLISH", CHANNEL, hold), "one subscriber got it");
    await().atMost(Duration.ofSeconds(5)).until(() -> get(key, id).statusCode() == 429);
    Response held = get(key, id);
    assertEquals(429, held.statusCode());
    assertEquals("throttled", held.header("X-Dynagate-Error"));
    assertEquals(before, sandbox.dataRequests(), "nothing reached Dataverse while held");
  }

  @Test
  void aHoldWrittenWhileTheGatewayWasDeafIsReadBackWhenItSubscribesAgain() {
    RedisProcess redis = RestartableRedis.server();
    String key = connectionWithCaller("deaf-" + SEQ.incrementAndGet());
    String id = lastId;
    assertEquals(200, get(key, id).statusCode());
    await().until(() -> RedisProcess.subscribers(redis.port(), CHANNEL) == 1);

    // another replica's hold, stored without the event this replica would have heard
    long end = System.currentTimeMillis() + 60_000;
    redis.cli("ZADD", "dynagate:holds", Long.toString(end), id);
    int before = sandbox.dataRequests();
    assertEquals(200, get(key, id).statusCode(), "not heard of, not held yet");
    assertEquals(before + 1, sandbox.dataRequests());

    // only the subscriber's connection is lost; the pooled ones stay
    assertTrue(Integer.parseInt(redis.cli("CLIENT", "KILL", "TYPE", "pubsub")) >= 1);
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> RedisProcess.subscribers(redis.port(), CHANNEL) == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> get(key, id).statusCode() == 429);
    assertEquals("throttled", get(key, id).header("X-Dynagate-Error"));
    assertEquals(before + 1, sandbox.dataRequests(), "held without reaching Dataverse");
  }

  @Test
  void aHoldOfThePublicPathIsStoredInRedisWithItsEnd() {
    RedisProcess redis = RestartableRedis.server();
    String key = connectionWithCaller("stored-" + SEQ.incrementAndGet());
    String id = lastId;
    sandbox.knobs(Map.of("fail429Next", 1, "retryAfterSeconds", 30));
    long before = System.currentTimeMillis();
    assertEquals(429, get(key, id).statusCode());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !redis.cli("ZSCORE", "dynagate:holds", id).isEmpty());
    long end = Long.parseLong(redis.cli("ZSCORE", "dynagate:holds", id));
    assertTrue(end >= before + 30_000 && end <= System.currentTimeMillis() + 30_000, "end " + end);
    long ttl = Long.parseLong(redis.cli("PTTL", "dynagate:holds"));
    assertTrue(ttl > 300_000, "the set outlives the longest hold: " + ttl);
    assertEquals("throttled", get(key, id).header("X-Dynagate-Error"));
  }

  @Test
  void aReplicaThatStartsDuringAHoldLearnsItWithoutAMessage() {
    String key = connectionWithCaller(RestartableRedis.HELD_AT_START);
    Response r = get(key, RestartableRedis.HELD_AT_START);
    assertEquals(429, r.statusCode(), r::asString);
    assertEquals("throttled", r.header("X-Dynagate-Error"));
    assertEquals(0, sandbox.dataRequests(), "nothing reached Dataverse");
  }

  private String lastId;

  private String connectionWithCaller(String id) {
    lastId = id;
    admin().body(sandbox.connection(id)).post("/admin/v1/connections").then().statusCode(201);
    return Admin.readerOf(id);
  }

  private static Response get(String key, String id) {
    return Admin.as(key).urlEncodingEnabled(false).get("/proxy/" + id + V + "accounts?$top=1");
  }

  private String fleetCheck() {
    JsonPath health = given().get(ready).then().extract().jsonPath();
    List<Map<String, Object>> checks = health.getList("checks");
    return checks.stream()
        .filter(c -> "fleet-events".equals(c.get("name")))
        .map(c -> String.valueOf(c.get("status")))
        .findFirst()
        .orElse("missing");
  }

  private double gauge() {
    String text = given().get(metrics).then().statusCode(200).extract().asString();
    Matcher m = GAUGE.matcher(text);
    assertTrue(m.find(), "dynagate_fleet_subscribed is exported");
    return Double.parseDouble(m.group(1));
  }
}
