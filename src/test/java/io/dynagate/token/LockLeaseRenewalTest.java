package io.dynagate.token;

import static io.dynagate.support.Admin.admin;
import static io.dynagate.support.Admin.createKey;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.Admin;
import io.dynagate.support.Db;
import io.dynagate.support.Sandbox;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A token request slower than the lock lease keeps the lock (renewed while it runs), so no other
 * replica can start a second fetch meanwhile; the lock is released when the fetch ends.
 */
@QuarkusTest
@TestProfile(LockLeaseRenewalTest.ShortLease.class)
class LockLeaseRenewalTest {

  /** A one-second lease. */
  public static class ShortLease implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("dynagate.token.lock-lease", "PT1S");
    }
  }

  @Inject SandboxLifecycle sandboxLifecycle;
  @Inject RedisDataSource redis;

  @Test
  void theLeaseIsRenewedWhileASlowFetchRuns() throws Exception {
    Db.clean();
    redis.execute("FLUSHDB");
    Sandbox sandbox = new Sandbox(sandboxLifecycle.server().orElseThrow().baseUrl());
    sandbox.reset();
    admin()
        .body(sandbox.connection("slow-idp"))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
    String key = createKey("engine-slow", "caller");
    admin()
        .body(Map.of("access", "read"))
        .put("/admin/v1/connections/slow-idp/grants/engine-slow")
        .then()
        .statusCode(200);
    sandbox.knobs(Map.of("tokenLatencyMs", 2_500));
    String lockKey = "dynagate:{slow-idp}:lock";

    CompletableFuture<Response> call =
        CompletableFuture.supplyAsync(
            () -> Admin.as(key).get("/proxy/slow-idp/api/data/v9.2/accounts?$top=1"));
    await().atMost(Duration.ofSeconds(5)).until(() -> redis.key().exists(lockKey));
    String owner = redis.value(String.class).get(lockKey);
    // well past the 1 s lease, the same owner still holds the lock: another replica's SET NX fails
    await()
        .pollDelay(Duration.ofMillis(1_800))
        .atMost(Duration.ofSeconds(3))
        .until(() -> owner.equals(redis.value(String.class).get(lockKey)));
    assertFalse(redis.value(String.class).setnx(lockKey, "other-replica"));

    assertEquals(200, call.get(15, TimeUnit.SECONDS).statusCode());
    assertEquals(1, sandbox.tokenRequests());
    await().atMost(Duration.ofSeconds(2)).until(() -> !redis.key().exists(lockKey));
  }
}
