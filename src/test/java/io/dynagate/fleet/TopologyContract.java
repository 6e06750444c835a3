package io.dynagate.fleet;

import static io.dynagate.support.Admin.admin;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.Admin;
import io.dynagate.support.Db;
import io.dynagate.support.Sandbox;
import io.dynagate.token.TokenLock;
import io.quarkus.test.common.http.TestHTTPResource;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What the gateway must do on every Redis topology: one token request for a burst of cold calls,
 * the token lock, fleet events, throttle holds, and a master failover under load that fails only
 * inside the failover window and only with 503. A subclass points the gateway at one topology and
 * says how to reach its nodes. The failover runs last: it kills a master.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class TopologyContract {
  static final String V = "/api/data/v9.2/";
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final Set<String> UNAVAILABLE = Set.of("unavailable", "token_unavailable");

  @Inject SandboxLifecycle sandboxLifecycle;
  @Inject TokenLock lock;
  @Inject FleetEvents fleet;

  @TestHTTPResource("/proxy/")
  URL proxyBase;

  Sandbox sandbox;

  /** The channel the gateway must use on this topology. */
  abstract String expectedChannel();

  /** Subscribers of the fleet channel, over all nodes that are up. */
  abstract int subscribers();

  /** Publishes on a node the gateway's subscription is not on, where there is one. */
  abstract void publishFromAnotherNode(String message);

  /** {@code redis-cli} on the master that holds {@code key}. */
  abstract String onMasterOf(String key, String... command);

  /** Every read command the gateway sent went to a master: no replica counts one. */
  abstract void assertNoReadReachedAReplica();

  /** Kills the master that holds {@code key} ({@code kill -9}). */
  abstract void killMasterOf(String key);

  /** Longest failover window the topology's settings allow (failures after it fail the test). */
  abstract Duration windowBound();

  @BeforeEach
  void setUp() {
    Db.clean();
    sandbox = new Sandbox(sandboxLifecycle.server().orElseThrow().baseUrl());
    sandbox.reset();
  }

  @Test
  @Order(1)
  void theChannelSuitsTheTopologyAndTheGatewayIsSubscribed() {
    assertEquals(expectedChannel(), fleet.channel());
    await().atMost(Duration.ofSeconds(10)).until(() -> subscribers() == 1);
    assertTrue(fleet.subscribed());
  }

  @Test
  @Order(2)
  void manyConcurrentColdCallsMakeOneTokenRequestAndTheTokenLivesOnItsMaster() throws Exception {
    String id = connection("cold");
    String key = callerOn(id);
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (int i = 0; i < 40; i++) {
      calls.add(http.sendAsync(request(id, key), HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> call : calls) {
      HttpResponse<String> r = call.get(30, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode(), r::body);
    }
    assertEquals(1, sandbox.tokenRequests(), "one token request for 40 cold calls");
    String tokenKey = "dynagate:{" + id + "}:token";
    assertFalse(onMasterOf(tokenKey, "GET", tokenKey).isEmpty(), "the token is on its master");
    String statusKey = "dynagate:{" + id + "}:status";
    assertTrue(onMasterOf(statusKey, "HGETALL", statusKey).contains("lastRefreshAt"));
    assertNoReadReachedAReplica();
  }

  @Test
  @Order(3)
  void theTokenLockIsTakenRenewedAndReleasedOnlyByItsOwner() {
    String id = "lock-" + SEQ.incrementAndGet();
    String lockKey = "dynagate:{" + id + "}:lock";
    Duration wait = Duration.ofSeconds(5);
    assertTrue(lock.tryAcquire(id, "owner-a", Duration.ofSeconds(5)).await().atMost(wait));
    assertFalse(lock.tryAcquire(id, "owner-b", Duration.ofSeconds(5)).await().atMost(wait));
    assertEquals("owner-a", onMasterOf(lockKey, "GET", lockKey));

    lock.renew(id, "owner-a", Duration.ofSeconds(60)).await().atMost(wait);
    assertTrue(Long.parseLong(onMasterOf(lockKey, "PTTL", lockKey)) > 30_000, "renewed");
    lock.renew(id, "owner-b", Duration.ofSeconds(1)).await().atMost(wait);
    assertTrue(Long.parseLong(onMasterOf(lockKey, "PTTL", lockKey)) > 30_000, "not by b");

    lock.release(id, "owner-b").await().atMost(wait);
    assertTrue(lock.held(id).await().atMost(wait), "b cannot release a's lock");
    lock.release(id, "owner-a").await().atMost(wait);
    assertFalse(lock.held(id).await().atMost(wait));
    assertTrue(lock.tryAcquire(id, "owner-b", Duration.ofSeconds(5)).await().atMost(wait));
  }

  @Test
  @Order(4)
  void aHoldPublishedFromAnotherNodeHoldsTheConnection() {
    String id = connection("event");
    String key = callerOn(id);
    assertEquals(200, get(id, key).statusCode());
    int before = sandbox.dataRequests();
    publishFromAnotherNode("throttle|" + id + "|" + (System.currentTimeMillis() + 60_000));
    await().atMost(Duration.ofSeconds(5)).until(() -> get(id, key).statusCode() == 429);
    assertEquals("throttled", get(id, key).header("X-Dynagate-Error"));
    assertEquals(before, sandbox.dataRequests(), "nothing reached Dataverse while held");
  }

  @Test
  @Order(5)
  void anUpstream429HoldsTheConnectionAndIsStoredInRedis() {
    String id = connection("429");
    String key = callerOn(id);
    sandbox.knobs(Map.of("fail429Next", 1, "retryAfterSeconds", 30));
    assertEquals(429, get(id, key).statusCode());
    int after429 = sandbox.dataRequests();
    Response held = get(id, key);
    assertEquals(429, held.statusCode());
    assertEquals("throttled", held.header("X-Dynagate-Error"));
    assertEquals(after429, sandbox.dataRequests());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !onMasterOf("dynagate:holds", "ZSCORE", "dynagate:holds", id).isEmpty());
  }

  /**
   * Warm proxy calls (no Redis), status reads (a Redis read each) and cold token fetches (lock,
   * token and status writes) in a bounded loop; the master holding the cold connection's keys is
   * killed after 1.5 s. Failures may only happen after the kill and within the window, and each is
   * a 503 problem; afterwards everything works again and fleet events still arrive.
   */
  @Test
  @Order(100)
  void aMasterFailoverUnderLoadFailsOnlyInsideTheWindowAndOnlyWith503() {
    String warm = connection("warm");
    String warmKey = callerOn(warm);
    String cold = connection("failover");
    String coldKey = callerOn(cold);
    assertEquals(200, get(warm, warmKey).statusCode());
    assertEquals(200, get(cold, coldKey).statusCode());

    record Failure(long atMs, String what, int status, String code) {}
    List<Failure> failures = new ArrayList<>();
    long start = System.nanoTime();
    long killAt = -1;
    long runMs = 1_500 + windowBound().toMillis() + 3_000;
    int requests = 0;
    for (int i = 0; i < 5_000; i++) {
      long now = (System.nanoTime() - start) / 1_000_000;
      if (now > runMs) {
        break;
      }
      if (killAt < 0 && now >= 1_500) {
        killMasterOf("dynagate:{" + cold + "}:token");
        killAt = (System.nanoTime() - start) / 1_000_000;
      }
      List<Map.Entry<String, Response>> round = new ArrayList<>();
      round.add(Map.entry("warm proxy", get(warm, warmKey)));
      round.add(Map.entry("status", admin().get("/admin/v1/connections/" + cold + "/status")));
      Response drop = admin().delete("/admin/v1/connections/" + cold + "/tokens");
      round.add(Map.entry("drop tokens", drop));
      round.add(Map.entry("cold proxy", get(cold, coldKey)));
      long at = (System.nanoTime() - start) / 1_000_000;
      for (Map.Entry<String, Response> r : round) {
        requests++;
        int status = r.getValue().statusCode();
        if (status >= 300) {
          failures.add(
              new Failure(
                  killAt < 0 ? -at : at - killAt,
                  r.getKey(),
                  status,
                  r.getValue().header("X-Dynagate-Error")));
        }
      }
    }
    long window = failures.stream().mapToLong(Failure::atMs).max().orElse(0);
    System.out.printf(
        "%s failover: %d requests, %d failed, window %d ms after the kill; failures: %s%n",
        getClass().getSimpleName(), requests, failures.size(), window, failures);
    assertTrue(killAt > 0, "the master was killed");
    for (Failure f : failures) {
      assertTrue(f.atMs() >= 0, "nothing fails before the kill: " + f);
      assertEquals(503, f.status(), () -> "a failure is a 503: " + f);
      assertTrue(UNAVAILABLE.contains(f.code()), () -> "a failure says unavailable: " + f);
      assertTrue(f.atMs() <= windowBound().toMillis(), () -> "inside the window: " + f);
    }

    // the fleet still talks: a hold published after the failover holds the warm connection
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> subscribers() == 1);
    int before = sandbox.dataRequests();
    publishFromAnotherNode("throttle|" + warm + "|" + (System.currentTimeMillis() + 60_000));
    await().atMost(Duration.ofSeconds(5)).until(() -> get(warm, warmKey).statusCode() == 429);
    assertEquals(before, sandbox.dataRequests());
  }

  String connection(String prefix) {
    String id = prefix + "-" + SEQ.incrementAndGet();
    admin().body(sandbox.connection(id)).post("/admin/v1/connections").then().statusCode(201);
    return id;
  }

  static String callerOn(String id) {
    return Admin.readerOf(id);
  }

  static Response get(String id, String key) {
    return Admin.as(key).urlEncodingEnabled(false).get("/proxy/" + id + V + "accounts?$top=1");
  }

  HttpRequest request(String id, String key) {
    return HttpRequest.newBuilder(URI.create(proxyBase + id + V + "accounts?%24top=1"))
        .header("X-Api-Key", key)
        .timeout(Duration.ofSeconds(30))
        .build();
  }
}
