package io.dynagate.token;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.sandbox.SandboxOptions;
import io.dynagate.sandbox.SandboxServer;
import io.dynagate.support.PackagedGateway;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two packaged gateways (separate processes) sharing the test PostgreSQL and Redis, in front of one
 * sandbox: 500 concurrent calls spread over both, on a connection whose token has expired, cause
 * exactly one token request.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoReplicasIT {
  private static final String ADMIN_KEY = "it-admin-key";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  @TempDir static Path workDir;

  private static Vertx vertx;
  private static SandboxServer sandbox;
  private static final List<PackagedGateway> replicas = new ArrayList<>();
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void startEverything() throws Exception {
    vertx = Vertx.vertx();
    sandbox =
        SandboxServer.start(
                vertx,
                new SandboxOptions(
                    "127.0.0.1",
                    0,
                    "sandbox-client",
                    "sandbox-secret",
                    Duration.ofHours(1),
                    Optional.empty()))
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    String keys = "it:" + PackagedGateway.randomKey(32);
    for (int i = 0; i < 2; i++) {
      replicas.add(start(i, keys));
    }
    for (PackagedGateway replica : replicas) {
      assertTrue(replica.awaitStarted(START_TIMEOUT), replica::output);
    }
  }

  @AfterAll
  static void stopEverything() throws Exception {
    for (PackagedGateway replica : replicas) {
      replica.stop();
    }
    if (sandbox != null) {
      sandbox.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(1)
  void fiveHundredConcurrentCallsOverTwoReplicasOnAnExpiredTokenMakeOneTokenRequest()
      throws Exception {
    String id = "two-replicas-" + System.nanoTime() % 100_000;
    createClientCredentialsConnection(id);
    String created =
        admin(1, "POST", "/admin/v1/api-keys", "{\"principal\":\"engine-" + id + "\"}", 201);
    String key = field(created, "key");
    admin(
        0,
        "PUT",
        "/admin/v1/connections/" + id + "/grants/engine-" + id,
        "{\"access\":\"read\"}",
        200);

    // a token that expires almost at once (the gateway keeps 30 s in hand): both replicas use it
    knobs("{\"tokenLifetimeSeconds\":32}");
    assertEquals(200, get(0, id, key).statusCode());
    assertEquals(200, get(1, id, key).statusCode());
    assertEquals(1, tokenRequests());
    knobs("{\"tokenLifetimeSeconds\":3600}");
    await().pollDelay(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(4)).until(() -> true);

    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      calls.add(http.sendAsync(request(i % 2, id, key), HttpResponse.BodyHandlers.ofString()));
    }
    int ok = 0;
    for (CompletableFuture<HttpResponse<String>> call : calls) {
      if (call.get(60, TimeUnit.SECONDS).statusCode() == 200) {
        ok++;
      }
    }
    assertEquals(500, ok);
    assertEquals(2, tokenRequests(), "one for the first token, exactly one after it expired");
  }

  /**
   * Replica B takes the lock and is killed while its refresh is still on the way to the IdP (held
   * at a gate in front of the token endpoint). Replica A takes over once B's lease lapses; the old
   * refresh token is redeemed exactly once.
   */
  @Test
  @Order(2)
  void deletingAGrantOrRevokingAKeyOnOneReplicaTakesEffectOnTheOtherWithinOneSecond()
      throws Exception {
    String id = "revocation-" + System.nanoTime() % 100_000;
    createClientCredentialsConnection(id);
    String created =
        admin(0, "POST", "/admin/v1/api-keys", "{\"principal\":\"engine-" + id + "\"}", 201);
    String key = field(created, "key");
    String keyId = field(created, "id");
    String grant = "/admin/v1/connections/" + id + "/grants/engine-" + id;
    admin(0, "PUT", grant, "{\"access\":\"read\"}", 200);
    assertEquals(200, get(1, id, key).statusCode()); // B has the grant cached now

    admin(0, "DELETE", grant, "", 204);
    long deleted = System.nanoTime();
    await()
        .pollInterval(Duration.ofMillis(20))
        .atMost(Duration.ofSeconds(1))
        .until(() -> get(1, id, key).statusCode() == 404);
    long grantMs = (System.nanoTime() - deleted) / 1_000_000;

    admin(0, "PUT", grant, "{\"access\":\"read\"}", 200);
    await().atMost(Duration.ofSeconds(1)).until(() -> get(1, id, key).statusCode() == 200);
    admin(0, "DELETE", "/admin/v1/api-keys/" + keyId, "", 204);
    long revoked = System.nanoTime();
    await()
        .pollInterval(Duration.ofMillis(20))
        .atMost(Duration.ofSeconds(1))
        .until(() -> get(1, id, key).statusCode() == 401);
    long keyMs = (System.nanoTime() - revoked) / 1_000_000;
    System.out.printf("revocation on the other replica: grant %d ms, key %d ms%n", grantMs, keyMs);
  }

  @Test
  @Order(3) // kills replica B
  void whenTheLockHolderIsKilledMidRefreshTheOtherReplicaRedeemsTheRefreshTokenOnce()
      throws Exception {
    String id = "killed-holder-" + System.nanoTime() % 100_000;
    String base = sandbox.baseUrl();
    TokenGate gate = TokenGate.start(vertx, sandbox.port());
    try {
      admin(
          0,
          "POST",
          "/admin/v1/connections",
          "{\"id\":\""
              + id
              + "\",\"orgUrl\":\""
              + base
              + "\",\"auth\":{\"type\":\"authorization_code\",\"clientId\":\"sandbox-client\","
              + "\"clientSecret\":\"sandbox-secret\",\"tokenUrl\":\"http://127.0.0.1:"
              + gate.port()
              + "/t/oauth2/v2.0/token\",\"authorizeUrl\":\""
              + base
              + "/t/oauth2/v2.0/authorize\"}}",
          201);
      String created =
          admin(0, "POST", "/admin/v1/api-keys", "{\"principal\":\"engine-" + id + "\"}", 201);
      String key = field(created, "key");
      admin(
          0,
          "PUT",
          "/admin/v1/connections/" + id + "/grants/engine-" + id,
          "{\"access\":\"read\"}",
          200);

      // consent through replica A (its callback), the code exchange passes the open gate
      consentThrough(0, id);
      assertEquals(200, get(0, id, key).statusCode());
      int redemptionsBefore = stat("refreshTokenRedemptions");

      // the access token is gone everywhere (Redis, and A's memory through the fleet event)
      String database = String.valueOf(PackagedGateway.redisDatabase());
      Resp.commands(List.of("SELECT", database), List.of("DEL", "dynagate:{" + id + "}:token"));
      Resp.commands(List.of("PUBLISH", "dynagate:events:" + database, "token-drop|" + id));

      // B starts the refresh; its token request is held at the closed gate
      gate.close();
      CompletableFuture<HttpResponse<String>> onB =
          http.sendAsync(request(1, id, key), HttpResponse.BodyHandlers.ofString());
      await().atMost(Duration.ofSeconds(10)).until(() -> gate.held() == 1);
      assertEquals(redemptionsBefore, stat("refreshTokenRedemptions"), "nothing reached the IdP");

      // while B lives (and renews its 2 s lease), A waits instead of redeeming the token itself
      gate.open(); // B's request stays held; new connections would pass
      CompletableFuture<HttpResponse<String>> onA =
          http.sendAsync(request(0, id, key), HttpResponse.BodyHandlers.ofString());
      await()
          .during(Duration.ofMillis(3_000))
          .atMost(Duration.ofSeconds(5))
          .until(() -> !onA.isDone());
      assertEquals(redemptionsBefore, stat("refreshTokenRedemptions"), "A did not redeem");

      // B dies holding the lock
      replicas.get(1).stop();

      // A takes over once the lease lapses and redeems the old refresh token once
      HttpResponse<String> answer = onA.get(30, TimeUnit.SECONDS);
      assertEquals(200, answer.statusCode(), answer.body());
      assertEquals(redemptionsBefore + 1, stat("refreshTokenRedemptions"));
      assertEquals(1, stat("maxRedemptionsOfOneRefreshToken"));
      assertTrue(onB.isDone(), "B's caller saw its gateway die");
    } finally {
      gate.close();
    }
  }

  private static void consentThrough(int replica, String id) throws Exception {
    String started =
        admin(replica, "POST", "/admin/v1/connections/" + id + "/authorizations", "", 201);
    Matcher m = Pattern.compile("\"authorizeUrl\":\"([^\"]+)\"").matcher(started);
    assertTrue(m.find(), started);
    HttpResponse<String> page =
        http.send(
            HttpRequest.newBuilder(URI.create(m.group(1) + "&decision=accept")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(302, page.statusCode(), page.body());
    String location = page.headers().firstValue("Location").orElseThrow();
    HttpResponse<String> done =
        http.send(
            HttpRequest.newBuilder(URI.create(location)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, done.statusCode(), done.body());
  }

  private static int stat(String name) throws Exception {
    String stats =
        http.send(
                HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/_sandbox/stats")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(stats);
    assertTrue(m.find(), stats);
    return Integer.parseInt(m.group(1));
  }

  private static void createClientCredentialsConnection(String id) throws Exception {
    String base = sandbox.baseUrl();
    admin(
        0,
        "POST",
        "/admin/v1/connections",
        "{\"id\":\""
            + id
            + "\",\"orgUrl\":\""
            + base
            + "\",\"auth\":{\"type\":\"client_credentials\",\"clientId\":\"sandbox-client\","
            + "\"clientSecret\":\"sandbox-secret\",\"tokenUrl\":\""
            + base
            + "/t/oauth2/v2.0/token\",\"scopes\":[\""
            + base
            + "/.default\"]}}",
        201);
  }

  /** A string field of a JSON answer (the IT has no JSON library of its own). */
  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
    assertTrue(m.find(), json);
    return m.group(1);
  }

  private static HttpRequest request(int replica, String id, String key) {
    return HttpRequest.newBuilder(
            URI.create(
                "http://127.0.0.1:"
                    + replicas.get(replica).httpPort()
                    + "/proxy/"
                    + id
                    + "/api/data/v9.2/accounts?$top=1"))
        .header("X-Api-Key", key)
        .timeout(Duration.ofSeconds(60))
        .build();
  }

  private static HttpResponse<String> get(int replica, String id, String key) throws Exception {
    return http.send(request(replica, id, key), HttpResponse.BodyHandlers.ofString());
  }

  private static String admin(int replica, String method, String path, String body, int expected)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + replicas.get(replica).httpPort() + path))
                .header("X-Api-Key", ADMIN_KEY)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(expected, r.statusCode(), r.body());
    return r.body();
  }

  private static void knobs(String json) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/_sandbox/knobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertTrue(r.statusCode() < 300, r.body());
  }

  private static int tokenRequests() throws Exception {
    String stats =
        http.send(
                HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/_sandbox/stats")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m = Pattern.compile("\"tokenRequests\":(\\d+)").matcher(stats);
    assertTrue(m.find(), stats);
    return Integer.parseInt(m.group(1));
  }

  /**
   * Replica {@code index} on the test database and Redis. Its HTTP port is chosen before the start
   * because the consent's callback ({@code DYNAGATE_PUBLIC_BASE_URL}) must name it.
   */
  private static PackagedGateway start(int index, String keys) throws IOException {
    int port = freePort();
    return PackagedGateway.in(workDir.resolve("replica-" + index))
        .jvmArgs("-Xmx256m")
        .env("QUARKUS_HTTP_PORT", String.valueOf(port))
        .env("QUARKUS_MANAGEMENT_PORT", String.valueOf(freePort()))
        .env("DYNAGATE_ENCRYPTION_KEYS", keys)
        .env("DYNAGATE_ADMIN_KEY", ADMIN_KEY)
        .env("DYNAGATE_ALLOW_INSECURE_HTTP", "true")
        .env("DYNAGATE_UPSTREAM_ALLOWED_HOSTS", "localhost,127.0.0.1")
        .env("DYNAGATE_IDENTITY_ALLOWED_HOSTS", "localhost,127.0.0.1")
        .env("DYNAGATE_PUBLIC_BASE_URL", "http://localhost:" + port)
        .env("DYNAGATE_TOKEN_LOCK_LEASE", "PT2S")
        .start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
