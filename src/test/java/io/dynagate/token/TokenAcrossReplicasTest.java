package io.dynagate.token;

import static io.dynagate.support.Admin.admin;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.crypto.Secret;
import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.Admin;
import io.dynagate.support.Sandbox;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fleet side of single flight, with "another replica" played by the test through the shared
 * Redis: a caller waits for the lock holder's token instead of calling the IdP, takes over when the
 * holder's lease lapses, and token requests are bounded by the configured timeout.
 */
@QuarkusTest
class TokenAcrossReplicasTest {
  private static final AtomicInteger SEQ = new AtomicInteger();

  @Inject SandboxLifecycle sandboxLifecycle;
  @Inject RedisDataSource redis;
  @Inject TokenCache cache;

  private Sandbox sandbox;
  private String id;
  private String key;

  @BeforeEach
  void setUp() {
    sandbox = Sandbox.cleanSlate(sandboxLifecycle, redis);
    id = "fleet-" + SEQ.incrementAndGet();
    admin().body(sandbox.connection(id)).post("/admin/v1/connections").then().statusCode(201);
    key = Admin.readerOf(id);
  }

  private CompletableFuture<Response> callAsync() {
    return CompletableFuture.supplyAsync(
        () -> Admin.as(key).get("/proxy/" + id + "/api/data/v9.2/accounts?$top=1"));
  }

  @Test
  void aWaitingReplicaUsesTheLockHoldersTokenInsteadOfCallingTheIdp() throws Exception {
    // given another replica holds the token lock
    redis
        .value(String.class)
        .set("dynagate:{" + id + "}:lock", "other-replica", new SetArgs().px(15_000));
    // when a request arrives here
    CompletableFuture<Response> call = callAsync();
    // then it waits and asks no IdP
    await()
        .during(Duration.ofMillis(700))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !call.isDone() && sandbox.tokenRequests() == 0);
    // the other replica obtains its token, stores it and releases the lock
    String token = sandbox.clientCredentialsToken();
    Instant now = Instant.now();
    cache
        .put(
            id,
            new AccessToken(Secret.of(token), now.plusSeconds(3600), now.plusSeconds(3000)),
            now)
        .await()
        .atMost(Duration.ofSeconds(5));
    cache.dropLocal(id); // the test process is not the replica that fetched
    redis.key().del("dynagate:{" + id + "}:lock");
    // then the waiting call succeeds with that token, and the IdP saw only the holder's request
    Response response = call.get(10, TimeUnit.SECONDS);
    assertEquals(200, response.statusCode(), response.asString());
    assertEquals(1, sandbox.tokenRequests());
    List<Map<String, List<String>>> headers = sandbox.requests().getList("headers");
    assertEquals(List.of("Bearer " + token), headers.get(headers.size() - 1).get("authorization"));
  }

  @Test
  void whenTheLockHolderDiesTheWaiterTakesOverOnceTheLeaseLapses() throws Exception {
    redis
        .value(String.class)
        .set("dynagate:{" + id + "}:lock", "dead-replica", new SetArgs().px(1_500));
    long start = System.nanoTime();
    Response response = callAsync().get(15, TimeUnit.SECONDS);
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(200, response.statusCode(), response.asString());
    assertEquals(1, sandbox.tokenRequests(), "exactly one token request after the takeover");
    assertTrue(tookMs >= 1_000, "it waited for the lease to lapse: " + tookMs + " ms");
    assertFalse(redis.key().exists("dynagate:{" + id + "}:lock"), "the lock was released");
  }

  @Test
  void aHangingTokenEndpointIsCutOffByTheTimeout() {
    sandbox.knobs(Map.of("tokenLatencyMs", 10_000));
    long start = System.nanoTime();
    Admin.as(key)
        .get("/proxy/" + id + "/api/data/v9.2/accounts")
        .then()
        .statusCode(503)
        .header("X-Dynagate-Error", "token_unavailable");
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMs < 9_000, "the 3 s test timeout cut it off: " + tookMs + " ms");
    assertEquals(0, sandbox.dataRequests());
    admin()
        .get("/admin/v1/connections/" + id + "/status")
        .then()
        .body("state", equalTo("refresh_failed"))
        .body("lastError.error", equalTo("unreachable"));
  }

  @Test
  void transientIdpFailuresBackOffExponentially() {
    sandbox.knobs(Map.of("tokenFailNext", 2, "tokenFailStatus", 503));
    Admin.as(key).get("/proxy/" + id + "/api/data/v9.2/accounts").then().statusCode(503);
    assertEquals(1, sandbox.tokenRequests());
    // backing off (1 s): refused at once, the IdP is not asked
    Admin.as(key)
        .get("/proxy/" + id + "/api/data/v9.2/accounts")
        .then()
        .statusCode(503)
        .header("Retry-After", "1");
    assertEquals(1, sandbox.tokenRequests());
    await()
        .pollInterval(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Admin.as(key).get("/proxy/" + id + "/api/data/v9.2/accounts?$top=1").statusCode()
                    == 200);
    assertEquals(3, sandbox.tokenRequests(), "two failures, then one success; no hammering");
  }

  @Test
  void aFailingRefreshDoesNotStopCallersWhileTheTokenIsValid() {
    sandbox.knobs(Map.of("refreshInSeconds", 1));
    Admin.as(key).get("/proxy/" + id + "/api/data/v9.2/accounts?$top=1").then().statusCode(200);
    await().pollDelay(Duration.ofMillis(1_200)).atMost(Duration.ofSeconds(3)).until(() -> true);
    sandbox.knobs(Map.of("tokenFailNext", 100, "tokenFailStatus", 500));
    for (int i = 0; i < 10; i++) {
      Admin.as(key).get("/proxy/" + id + "/api/data/v9.2/accounts?$top=1").then().statusCode(200);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> sandbox.tokenRequests() >= 2);
    assertTrue(sandbox.tokenRequests() <= 3, "background refreshes back off");
  }
}
