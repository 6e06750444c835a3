package io.dynagate.observability;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

@QuarkusTest
class HealthAndMetricsTest {
  @TestHTTPResource(value = "/health/ready", management = true)
  URL ready;

  @TestHTTPResource(value = "/health/live", management = true)
  URL live;

  @TestHTTPResource(value = "/health/started", management = true)
  URL started;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  @Test
  void readinessChecksPostgresAndRedisOnTheManagementPort() {
    given()
        .get(ready)
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItem(containsString("PostgreSQL")))
        .body("checks.name", hasItem(containsString("Redis")));
  }

  @Test
  void livenessAndStartedAreUp() {
    given().get(live).then().statusCode(200).body("status", equalTo("UP"));
    given().get(started).then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void metricsArePrometheusText() {
    given()
        .accept("text/plain")
        .get(metrics)
        .then()
        .statusCode(200)
        .contentType(containsString("text/plain"))
        .body(containsString("# TYPE"))
        .body(containsString("jvm_memory_used_bytes"));
  }

  @Test
  void healthIsNotServedOnTheMainPort() {
    given().get("/q/health/ready").then().statusCode(404);
    given().get("/q/metrics").then().statusCode(404);
  }

  @Test
  void requestIdIsEchoedWhenWellFormedAndReplacedOtherwise() {
    given()
        .header("X-Request-Id", "abc-123")
        .get("/admin/v1/connections")
        .then()
        .statusCode(401)
        .header("X-Request-Id", "abc-123")
        .body("requestId", equalTo("abc-123"));
    given()
        .header("X-Request-Id", "bad id <script>")
        .get("/admin/v1/connections")
        .then()
        .statusCode(401)
        .header("X-Request-Id", not(containsString("script")));
  }

  @Test
  void unknownPathsAreProblems() {
    given()
        .header("X-Api-Key", io.dynagate.support.Admin.KEY)
        .get("/admin/v1/nothing-here")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("code", equalTo("not_found"));
  }
}
