package io.dynagate.observability;

import static io.dynagate.support.Admin.admin;
import static io.dynagate.support.Admin.as;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.support.Admin;
import io.dynagate.support.Db;
import io.dynagate.support.LogCapture;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Plants known secrets, drives every admin path including the failing ones with all loggers at
 * DEBUG, then searches the captured logs, every response and the metrics for them.
 */
@QuarkusTest
@TestProfile(SecretsNeverLeakTest.DebugLogging.class)
class SecretsNeverLeakTest {

  /** Everything at DEBUG (captured in memory); the console stays at INFO. */
  public static class DebugLogging implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.log.level", "DEBUG", "quarkus.log.console.level", "INFO");
    }
  }

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  private final String clientSecret = "PLANTED-client-secret-" + UUID.randomUUID();
  private final String newClientSecret = "PLANTED-rotated-secret-" + UUID.randomUUID();
  private final String staticToken = "PLANTED-static-token-" + UUID.randomUUID();
  private final String wrongKey = "dgk_PLANTEDwrongKey" + "x".repeat(24);
  private final List<Response> responses = new ArrayList<>();
  private LogCapture logs;

  @BeforeEach
  void setUp() {
    Db.clean();
    logs = LogCapture.install();
  }

  @AfterEach
  void tearDown() {
    logs.uninstall();
  }

  @Test
  void noSecretTokenOrKeyAppearsInLogsResponsesOrMetrics() {
    String apiKey =
        record(
                admin()
                    .body(Map.of("principal", "ops", "roles", List.of("admin")))
                    .post("/admin/v1/api-keys"))
            .path("key");

    // the happy paths
    record(
        admin().body(Admin.clientCredentials("leak", clientSecret)).post("/admin/v1/connections"));
    record(
        admin()
            .body(
                Map.of(
                    "id", "leak-static",
                    "orgUrl", "https://leak.crm.dynamics.com",
                    "auth", Map.of("type", "static_token", "accessToken", staticToken)))
            .post("/admin/v1/connections"));
    record(as(apiKey).get("/admin/v1/connections"));
    record(as(apiKey).get("/admin/v1/connections/leak"));
    record(as(apiKey).get("/admin/v1/connections/leak/status"));
    record(
        as(apiKey)
            .body(Map.of("auth", Map.of("clientSecret", newClientSecret)))
            .patch("/admin/v1/connections/leak"));

    // the failing paths, each carrying a secret
    record(
        admin().body(Admin.clientCredentials("leak", clientSecret)).post("/admin/v1/connections"));
    Map<String, Object> badHost =
        new java.util.HashMap<>(Admin.clientCredentials("bad", clientSecret));
    badHost.put("orgUrl", "https://" + clientSecret.toLowerCase() + ".evil.example.org");
    record(admin().body(badHost).post("/admin/v1/connections"));
    record(
        admin()
            .body("{\"id\":\"x\",\"unknownSecretField\":\"" + clientSecret + "\"}")
            .post("/admin/v1/connections"));
    record(
        admin()
            .body("{\"id\":\"x\",\"auth\":{\"clientSecret\":\"" + clientSecret + "\"")
            .post("/admin/v1/connections"));
    record(
        admin()
            .body(
                "{\"id\":\"x\",\"orgUrl\":\"https://x.crm.dynamics.com\",\"auth\":{\"type\":\"static_token\","
                    + "\"accessToken\":\""
                    + staticToken
                    + "\",\"expiresAt\":\""
                    + staticToken
                    + "\"}}")
            .post("/admin/v1/connections"));
    record(
        admin()
            .body("{\"auth\":{\"clientSecret\":{\"nested\":\"" + newClientSecret + "\"}}}")
            .patch("/admin/v1/connections/leak"));
    record(as(wrongKey).get("/admin/v1/connections"));
    record(as(clientSecret).get("/admin/v1/connections"));
    record(given().header("Authorization", "Bearer " + staticToken).get("/admin/v1/connections"));
    String callerKey =
        record(admin().body(Map.of("principal", "engine")).post("/admin/v1/api-keys")).path("key");
    record(as(callerKey).get("/admin/v1/connections"));

    String metricsText = given().accept("text/plain").get(metrics).asString();
    String captured = logs.text();
    assertTrue(logs.size() > 0, "the log capture saw nothing; the test would prove nothing");

    List<String> planted =
        List.of(
            clientSecret,
            newClientSecret,
            staticToken,
            wrongKey,
            apiKey,
            callerKey,
            Admin.KEY,
            apiKey.substring(4, 24),
            callerKey.substring(4, 24));
    for (String secret : planted) {
      int at = captured.indexOf(secret);
      assertFalse(
          at >= 0,
          () ->
              "planted value #"
                  + planted.indexOf(secret)
                  + " reached the logs near: "
                  + captured.substring(Math.max(0, at - 300), at).replace(secret, "<planted>"));
      assertFalse(metricsText.contains(secret), "a secret reached the metrics");
    }
    // responses: only the creating response may show the new key, nothing shows a secret
    for (Response r : responses) {
      String text = r.asString() + r.getHeaders().toString();
      for (String secret :
          List.of(clientSecret, newClientSecret, staticToken, wrongKey, Admin.KEY)) {
        assertFalse(text.contains(secret), "a secret was echoed in a response");
      }
    }
    long responsesWithApiKey =
        responses.stream().filter(r -> r.asString().contains(apiKey)).count();
    assertTrue(responsesWithApiKey == 1, "the API key is shown exactly once");
  }

  private Response record(Response response) {
    responses.add(response);
    return response;
  }
}
