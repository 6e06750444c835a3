package io.dynagate.health;

import static io.dynagate.support.Admin.admin;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.LeakScan;
import io.dynagate.support.LogCapture;
import io.dynagate.support.Sandbox;
import io.dynagate.support.WebhookReceiver;
import io.dynagate.support.WebhookReceiver.Delivery;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The health probe, the states it feeds, the gauges and the signed state-change webhooks, against
 * the sandbox (its {@code rejectDataApi} knob plays a revoked app registration) and a webhook
 * receiver the test controls.
 */
@QuarkusTest
@TestProfile(HealthProfile.class)
class ConnectionHealthTest {
  private static final AtomicInteger SEQ = new AtomicInteger();

  @Inject SandboxLifecycle sandboxLifecycle;
  @Inject RedisDataSource redis;
  @Inject HealthRounds rounds;
  @Inject Webhooks webhooks;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metricsUrl;

  private Sandbox sandbox;
  private LogCapture logs;
  private WebhookReceiver receiver;

  @BeforeEach
  void setUp() {
    sandbox = Sandbox.cleanSlate(sandboxLifecycle, redis);
    receiver = WebhookReceiver.get();
    logs = LogCapture.install();
  }

  @AfterEach
  void tearDown() {
    logs.uninstall();
  }

  @Test
  void aRevokedAppIsUnhealthyWithOneSignedWebhookAndRecoveryIsOneMore() {
    // given a connection the probe found healthy
    String id = newConnection("revoked");
    awaitStatus(id, s -> "ready".equals(s.getString("state")) && isOk(s));
    assertEquals(1.0, metric("dynagate_connection_up{connection=\"" + id + "\"}"));
    // when Dataverse starts refusing the identity while the IdP keeps issuing tokens
    sandbox.knobs(Map.of("rejectDataApi", true));
    // then the connection is unhealthy, with the probe's outcome and status
    JsonPath status = awaitStatus(id, s -> "unhealthy".equals(s.getString("state")));
    assertEquals("rejected", status.getString("lastProbe.outcome"));
    assertEquals(403, status.getInt("lastProbe.status"));
    assertNotNull(status.getString("lastProbeAt"));
    assertNull(status.get("lastError"));
    await().atMost(Duration.ofSeconds(5)).until(() -> Double.valueOf(0).equals(metric(up(id))));
    assertEquals(1.0, metric(state(id, "unhealthy")));
    assertEquals(0.0, metric(state(id, "ready")));
    assertEquals(0.0, metric(state(id, "refresh_failed")));
    assertEquals(0.0, metric(state(id, "authorization_required")));
    // exactly one signed delivery, still one after more rejected probes
    await().atMost(Duration.ofSeconds(5)).until(() -> receiver.deliveries(id).size() == 1);
    await()
        .during(Duration.ofMillis(HealthProfile.INTERVAL_MILLIS * 2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> receiver.deliveries(id).size() == 1);
    Delivery entered = receiver.deliveries(id).get(0);
    assertSigned(entered);
    assertEvent(entered, id, "ready", "unhealthy", "rejected");
    assertEquals(1, eventLines(id, "to=unhealthy"), logs.text());
    assertEquals(1.0, metric(changes(id, "unhealthy")));

    // when the app is allowed again
    sandbox.knobs(Map.of("rejectDataApi", false));
    // then ready again, and exactly one more delivery
    awaitStatus(id, s -> "ready".equals(s.getString("state")) && isOk(s));
    await().atMost(Duration.ofSeconds(5)).until(() -> receiver.deliveries(id).size() == 2);
    await()
        .during(Duration.ofMillis(HealthProfile.INTERVAL_MILLIS))
        .atMost(Duration.ofSeconds(6))
        .until(() -> receiver.deliveries(id).size() == 2);
    Delivery left = receiver.deliveries(id).get(1);
    assertSigned(left);
    assertEvent(left, id, "unhealthy", "ready", "ok");
    assertEquals(1, eventLines(id, "to=ready"), logs.text());
    await().atMost(Duration.ofSeconds(5)).until(() -> Double.valueOf(1).equals(metric(up(id))));

    // nothing secret in the payloads, the logs or the metrics
    LeakScan scan = new LeakScan();
    scan.secret("webhook secret", WebhookReceiver.SECRET);
    scan.secret("client secret", "sandbox-secret");
    sandbox.bearerTokensSeen().forEach(t -> scan.secret("access token", t));
    assertTrue(scan.secrets() > 2, "the sandbox saw no token; the scan proves nothing");
    scan.record(admin().get("/admin/v1/connections/" + id + "/status"));
    StringBuilder sent = new StringBuilder();
    for (Delivery d : receiver.deliveries(id)) {
      sent.append(d.body()).append('\n').append(d.signature()).append('\n');
    }
    // the webhook payloads are searched with the logs: both leave the gateway as text
    scan.assertNoLeak(logs.text() + "\n" + sent, metricsText());
  }

  @Test
  void aProbeLeaseHeldElsewhereMeansNoProbeAndOneProbePerInterval() {
    // given another replica took this connection's probe lease for 8 s
    String id = "health-lease-" + SEQ.incrementAndGet();
    redis.value(String.class).set(ProbeLease.key(id), "other-replica", new SetArgs().px(8_000));
    admin().body(sandbox.connection(id)).post("/admin/v1/connections").then().statusCode(201);
    // when rounds run here: the connection gets its gauges, but no WhoAmI is sent
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> Double.valueOf(1).equals(metric(state(id, "ready"))));
    await()
        .during(Duration.ofMillis(HealthProfile.INTERVAL_MILLIS))
        .atMost(Duration.ofSeconds(5))
        .until(() -> whoAmIs() == 0);
    // then once the lease lapses this replica probes, once per interval however often it tries
    await().atMost(Duration.ofSeconds(10)).until(() -> whoAmIs() == 1);
    rounds.onOwnContext(() -> rounds.probeIfLeased(id)).await().atMost(Duration.ofSeconds(5));
    rounds.onOwnContext(() -> rounds.turn(id)).await().atMost(Duration.ofSeconds(5));
    await()
        .during(Duration.ofMillis(HealthProfile.INTERVAL_MILLIS / 2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> whoAmIs() == 1);
    assertEquals(
        "ok",
        admin()
            .get("/admin/v1/connections/" + id + "/status")
            .then()
            .statusCode(200)
            .extract()
            .path("lastProbe.outcome"));
  }

  @Test
  void idpFailuresAndAnExpiredStaticTokenAreStateChangesToo() {
    // given a healthy client-credentials connection
    String id = newConnection("idp");
    awaitStatus(id, s -> "ready".equals(s.getString("state")) && isOk(s));
    // when its token is dropped and the next token request fails
    sandbox.knobs(Map.of("tokenFailNext", 1));
    admin().delete("/admin/v1/connections/" + id + "/tokens").then().statusCode(204);
    // then refresh_failed, and ready again once a token comes
    await().atMost(Duration.ofSeconds(15)).until(() -> receiver.deliveries(id).size() == 2);
    assertEvent(receiver.deliveries(id).get(0), id, "ready", "refresh_failed", null);
    assertEvent(receiver.deliveries(id).get(1), id, "refresh_failed", "ready", null);
    assertEquals(1, eventLines(id, "to=refresh_failed"), logs.text());

    // given a static token (a real one the sandbox accepts) that expires in 5 s
    String staticId = "health-static-" + SEQ.incrementAndGet();
    admin()
        .body(
            Map.of(
                "id",
                staticId,
                "orgUrl",
                sandbox.baseUrl(),
                "auth",
                Map.of(
                    "type",
                    "static_token",
                    "accessToken",
                    sandbox.clientCredentialsToken(),
                    "expiresAt",
                    Instant.now().plusSeconds(5).toString())))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
    awaitStatus(staticId, s -> "ready".equals(s.getString("state")) && isOk(s));
    // then its expiry is noticed by a round: authorization_required, announced once
    awaitStatus(staticId, s -> "authorization_required".equals(s.getString("state")));
    await().atMost(Duration.ofSeconds(5)).until(() -> receiver.deliveries(staticId).size() == 1);
    assertEvent(
        receiver.deliveries(staticId).get(0),
        staticId,
        "ready",
        "authorization_required",
        "token_expired");
    assertEquals(1.0, metric(state(staticId, "authorization_required")));
  }

  @Test
  void theExpiryGaugeIsTheTokensRemainingLifetime() {
    sandbox.knobs(Map.of("tokenLifetimeSeconds", 900));
    String id = newConnection("expiry");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> metric("dynagate_token_expiry_seconds{connection=\"" + id + "\"}") != null);
    double seconds = metric("dynagate_token_expiry_seconds{connection=\"" + id + "\"}");
    assertTrue(seconds > 880 && seconds <= 900, "expiry gauge " + seconds);
    // a deleted connection's health meters go
    admin().delete("/admin/v1/connections/" + id).then().statusCode(204);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                metricsText()
                    .lines()
                    .filter(l -> l.contains("connection=\"" + id + "\""))
                    .noneMatch(
                        l ->
                            l.startsWith("dynagate_connection_")
                                || l.startsWith("dynagate_token_expiry_seconds")));
  }

  @Test
  void aFailingReceiverIsRetriedWithGrowingGapsUntilItAnswers() {
    String connection = "health-retry-" + SEQ.incrementAndGet();
    receiver.script(connection, 500, 503);
    double delivered = counter("delivered");
    double retried = counter("retried");
    webhooks.deliver(event(connection));
    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.deliveries(connection).size() == 3);
    List<Delivery> d = receiver.deliveries(connection);
    assertEquals(List.of(500, 503, 200), d.stream().map(Delivery::answered).toList());
    long first = d.get(1).arrivedNanos() - d.get(0).arrivedNanos();
    long second = d.get(2).arrivedNanos() - d.get(1).arrivedNanos();
    long backoff = Duration.ofMillis(HealthProfile.INITIAL_BACKOFF_MILLIS).toNanos();
    assertTrue(first >= backoff * 9 / 10, "first gap " + first / 1_000_000 + " ms");
    assertTrue(second >= backoff * 2 * 9 / 10, "second gap " + second / 1_000_000 + " ms");
    assertTrue(second > first, "gaps " + first / 1_000_000 + " / " + second / 1_000_000 + " ms");
    d.forEach(this::assertSigned);
    assertEquals(1, d.stream().map(Delivery::eventId).distinct().count(), "one event id");
    await().atMost(Duration.ofSeconds(3)).until(() -> counter("delivered") == delivered + 1);
    assertEquals(retried + 2, counter("retried"));
  }

  @Test
  void anAlwaysFailingReceiverIsGivenUpAfterMaxAttemptsWithOneWarning() {
    String connection = "health-fail-" + SEQ.incrementAndGet();
    receiver.always(connection, 500);
    double failed = counter("failed");
    StateChange event = event(connection);
    webhooks.deliver(event);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> receiver.deliveries(connection).size() == HealthProfile.MAX_ATTEMPTS);
    await().atMost(Duration.ofSeconds(3)).until(() -> counter("failed") == failed + 1);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(6))
        .until(() -> receiver.deliveries(connection).size() == HealthProfile.MAX_ATTEMPTS);
    List<String> warnings =
        logs.text()
            .lines()
            .filter(l -> l.startsWith("WARN") && l.contains("gave up on event " + event.id()))
            .toList();
    assertEquals(1, warnings.size(), logs.text());
    assertTrue(warnings.get(0).contains("/hook"), warnings.get(0));
    assertFalse(warnings.get(0).contains("ops-query-part"), "query string logged");
    assertFalse(logs.text().contains(WebhookReceiver.SECRET), "secret logged");
  }

  // --- helpers

  private String newConnection(String kind) {
    String id = "health-" + kind + "-" + SEQ.incrementAndGet();
    admin().body(sandbox.connection(id)).post("/admin/v1/connections").then().statusCode(201);
    return id;
  }

  private static StateChange event(String connection) {
    return new StateChange(
        UUID.randomUUID().toString(), connection, "ready", "unhealthy", "rejected", Instant.now());
  }

  private static boolean isOk(JsonPath s) {
    return "ok".equals(s.getString("lastProbe.outcome"));
  }

  private JsonPath awaitStatus(String id, java.util.function.Predicate<JsonPath> condition) {
    JsonPath[] last = new JsonPath[1];
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              last[0] =
                  admin()
                      .get("/admin/v1/connections/" + id + "/status")
                      .then()
                      .statusCode(200)
                      .extract()
                      .jsonPath();
              return condition.test(last[0]);
            });
    return last[0];
  }

  private void assertSigned(Delivery d) {
    assertNotNull(d.timestamp(), "timestamp header");
    long ts = Long.parseLong(d.timestamp());
    assertTrue(Math.abs(Instant.now().getEpochSecond() - ts) < 60, "timestamp " + ts);
    assertEquals(
        "sha256=" + hmac(WebhookReceiver.SECRET, d.timestamp() + "." + d.body()), d.signature());
    assertEquals(d.json().getString("id"), d.eventId());
  }

  private static void assertEvent(Delivery d, String id, String from, String to, String reason) {
    JsonObject json = d.json();
    assertEquals(
        Set.of("id", "type", "connection", "from", "to", "reason", "at"), json.fieldNames());
    assertEquals("connection.state_changed", json.getString("type"));
    assertEquals(id, json.getString("connection"));
    assertEquals(from, json.getString("from"));
    assertEquals(to, json.getString("to"));
    if (reason != null) {
      assertEquals(reason, json.getString("reason"));
    }
    assertNotNull(Instant.parse(json.getString("at")));
  }

  private static String hmac(String secret, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private long eventLines(String id, String to) {
    return logs.text()
        .lines()
        .filter(l -> l.startsWith("INFO io.dynagate.events "))
        .filter(l -> l.contains("connection=" + id + " ") && l.contains(to + " "))
        .count();
  }

  private int whoAmIs() {
    return (int)
        sandbox.requests().getList("path", String.class).stream()
            .filter(p -> p.endsWith("/WhoAmI"))
            .count();
  }

  private static String up(String id) {
    return "dynagate_connection_up{connection=\"" + id + "\"}";
  }

  private static String state(String id, String state) {
    return "dynagate_connection_state{connection=\"" + id + "\",state=\"" + state + "\"}";
  }

  private static String changes(String id, String state) {
    return "dynagate_connection_state_changes_total{connection=\""
        + id
        + "\",state=\""
        + state
        + "\"}";
  }

  private double counter(String outcome) {
    Double v = metric("dynagate_webhook_deliveries_total{outcome=\"" + outcome + "\"}");
    return v == null ? 0 : v;
  }

  private String metricsText() {
    return given().get(metricsUrl).then().statusCode(200).extract().asString();
  }

  /** The value of the series named exactly so, or null when it is absent. */
  private Double metric(String series) {
    for (String line : metricsText().lines().toList()) {
      if (line.startsWith(series + " ")) {
        return Double.valueOf(line.substring(series.length() + 1).trim().split(" ")[0]);
      }
    }
    return null;
  }
}
