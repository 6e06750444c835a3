package io.dynagate.observability;

import static io.dynagate.support.Admin.admin;
import static io.dynagate.support.Admin.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL unreachable: the admin API answers 503 {@code unavailable} (never a 500 or a 401 that
 * blames the caller) and readiness is down.
 */
@QuarkusTest
@TestProfile(StoreDownTest.PostgresDown.class)
class StoreDownTest {

  /** Points the reactive client at a port where nothing listens; Flyway stays off. */
  public static class PostgresDown implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      int port = freePort();
      return Map.of(
          "quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + port + "/dynagate_test",
          "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + port + "/dynagate_test",
          "quarkus.flyway.migrate-at-start", "false");
    }

    private static int freePort() {
      try (ServerSocket s = new ServerSocket(0)) {
        return s.getLocalPort();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @TestHTTPResource(value = "/health/ready", management = true)
  URL ready;

  @Test
  void adminApiAnswers503Unavailable() {
    admin()
        .get("/admin/v1/connections")
        .then()
        .statusCode(503)
        .contentType("application/problem+json")
        .header("X-Dynagate-Error", "unavailable")
        .body("code", equalTo("unavailable"))
        .body(not(containsString("Exception")));
  }

  @Test
  void apiKeyThatNeedsTheStoreIs503NotA401() {
    as("dgk_" + "B".repeat(43))
        .get("/admin/v1/connections")
        .then()
        .statusCode(503)
        .body("code", equalTo("unavailable"));
  }

  @Test
  void readinessIsDown() {
    given().get(ready).then().statusCode(503).body("status", equalTo("DOWN"));
  }
}
