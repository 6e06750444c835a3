package io.dynagate.observability;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.dynagate.support.PackagedGateway;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged application in the prod profile writes JSON lines (quarkus-logging-json): every line
 * of its output is one JSON object, the access line's facts are members of its {@code mdc} object,
 * and neither the query string, the caller's key nor a secret sent to the admin API is in any line.
 */
class JsonLogsIT {
  private static final String ADMIN_KEY = "json-logs-admin-" + UUID.randomUUID();

  @TempDir Path workDir;

  @Test
  void productionLogsAreJsonLinesWithTheAccessLineAsFields() throws Exception {
    String connection = "json-" + UUID.randomUUID().toString().substring(0, 8);
    String secret = "PLANTED-client-secret-" + UUID.randomUUID();
    String queryMarker = "PLANTED-query-" + UUID.randomUUID();
    try (PackagedGateway gateway =
        PackagedGateway.in(workDir)
            .env("DYNAGATE_ENCRYPTION_KEYS", "k1:" + PackagedGateway.randomKey(32))
            .env("DYNAGATE_ADMIN_KEY", ADMIN_KEY)
            .start()) {
      assertTrue(gateway.awaitStarted(Duration.ofSeconds(60)), gateway::output);
      String base = "http://127.0.0.1:" + gateway.httpPort();

      // given a connection created with a secret (no request reaches its tenant)
      given()
          .baseUri(base)
          .header("X-Api-Key", ADMIN_KEY)
          .contentType("application/json")
          .body(
              Map.of(
                  "id",
                  connection,
                  "orgUrl",
                  "https://jsonlogs.crm4.dynamics.com",
                  "auth",
                  Map.of(
                      "type", "client_credentials",
                      "tenantId", "11111111-2222-3333-4444-555555555555",
                      "clientId", "11111111-2222-3333-4444-555555555555",
                      "clientSecret", secret)))
          .post("/admin/v1/connections")
          .then()
          .statusCode(201);

      // when a caller without a grant on it sends a query through the proxy
      String requestId =
          given()
              .baseUri(base)
              .header("X-Api-Key", ADMIN_KEY)
              .queryParam("$filter", "name eq '" + queryMarker + "'")
              .get("/proxy/" + connection + "/api/data/v9.2/accounts")
              .then()
              .statusCode(404)
              .extract()
              .header("X-Request-Id");

      // then its access line arrives as JSON with the facts as members of "mdc"
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> gateway.output().contains(requestId));
      List<JsonObject> lines = jsonLines(gateway.lines());
      JsonObject access =
          lines.stream()
              .filter(l -> "io.dynagate.access".equals(l.getString("loggerName")))
              .filter(l -> l.getJsonObject("mdc", new JsonObject()).containsKey("status"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no access line in\n" + gateway.output()));
      JsonObject fields = access.getJsonObject("mdc");
      assertEquals("INFO", access.getString("level"));
      assertEquals(requestId, fields.getString("requestId"));
      assertEquals("bootstrap-admin", fields.getString("principal"));
      assertEquals(connection, fields.getString("connection"));
      assertEquals("GET", fields.getString("method"));
      assertEquals("accounts", fields.getString("entitySet"));
      assertEquals("404", fields.getString("status"));
      assertEquals("denied:no_grant", fields.getString("decision"));
      assertTrue(fields.getString("totalMs").matches("\\d+"), fields::encode);
      for (String member :
          List.of("grant", "privileges", "retried", "end", "tokenMs", "upstreamMs")) {
        assertTrue(fields.containsKey(member), () -> "no " + member + " in " + fields.encode());
      }
      // and the start itself was logged as JSON too (not only the lines this test caused)
      assertTrue(
          lines.stream().anyMatch(l -> l.getString("message", "").contains(" started in ")),
          "the start line is not a JSON line");

      // and nothing the requests carried is in any line
      String output = gateway.output();
      assertFalse(output.contains(queryMarker), "the query string is in the log");
      assertFalse(output.contains("$filter"), "a query option is in the log");
      assertFalse(output.contains(secret), "the client secret is in the log");
      assertFalse(output.contains(ADMIN_KEY), "the caller's key is in the log");
    }
  }

  /** Every line parsed as one JSON object; a line that is not fails the test. */
  private static List<JsonObject> jsonLines(List<String> lines) {
    List<JsonObject> parsed = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      try {
        parsed.add(new JsonObject(line));
      } catch (DecodeException e) {
        fail("not a JSON line: " + line);
      }
    }
    return parsed;
  }
}
