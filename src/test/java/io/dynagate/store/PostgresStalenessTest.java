package io.dynagate.store;

import static io.dynagate.support.Admin.as;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.support.Admin;
import io.dynagate.support.CountingUpstream;
import io.dynagate.support.Db;
import io.dynagate.support.TcpRelay;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The staleness bound: last known answers decide while PostgreSQL is away only until they are
 * {@code dynagate.store.max-staleness} old; then the proxy fails closed (503) and readiness is
 * down, and both recover when PostgreSQL is back.
 */
@QuarkusTest
@TestProfile(PostgresStalenessTest.ShortStaleness.class)
class PostgresStalenessTest {
  static final TcpRelay RELAY = TcpRelay.to(5432);

  public static class ShortStaleness implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.datasource.reactive.url",
          "postgresql://127.0.0.1:" + RELAY.port() + "/" + PostgresOutageTest.database(),
          "dynagate.store.max-staleness",
          "PT3S",
          "dynagate.store.connect-timeout",
          "PT1S",
          "dynagate.store.acquire-timeout",
          "PT1S",
          "dynagate.store.query-timeout",
          "PT1S");
    }
  }

  @Inject Vertx vertx;
  @Inject RedisDataSource redis;

  @TestHTTPResource(value = "/health/ready", management = true)
  URL ready;

  @Test
  void failsClosedOnceTheLastKnownAnswersAreTooOldAndRecovers() throws Exception {
    Db.clean();
    redis.execute("FLUSHDB");
    CountingUpstream upstream = CountingUpstream.start(vertx);
    try {
      Admin.Caller caller = Admin.staticTokenCaller("stale", upstream.url(), "read");
      String target = "/proxy/" + caller.connection() + "/api/data/v9.2/accounts";
      long read = System.nanoTime(); // the answers are read from PostgreSQL after this
      as(caller.key()).get(target).then().statusCode(200);
      RELAY.refuse();
      Thread.sleep(1_200);
      as(caller.key()).get(target).then().statusCode(200); // stale, within 3 s
      given().get(ready).then().statusCode(200);

      await()
          .atMost(Duration.ofSeconds(6))
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(
              () ->
                  as(caller.key())
                      .get(target)
                      .then()
                      .statusCode(503)
                      .body("code", equalTo("unavailable")));
      long failedAfter = (System.nanoTime() - read) / 1_000_000;
      assertTrue(
          failedAfter >= 3_000 && failedAfter < 5_000,
          "failed closed " + failedAfter + " ms after the last read");
      int upstreamBefore = upstream.requests();
      as(caller.key()).get(target).then().statusCode(503);
      assertTrue(upstream.requests() == upstreamBefore, "a refused request reached the upstream");
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> given().get(ready).then().statusCode(503));

      RELAY.heal();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> as(caller.key()).get(target).then().statusCode(200));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> given().get(ready).then().statusCode(200));
    } finally {
      RELAY.heal();
      upstream.close();
    }
  }
}
