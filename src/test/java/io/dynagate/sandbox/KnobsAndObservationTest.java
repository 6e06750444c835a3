package io.dynagate.sandbox;

import static io.dynagate.sandbox.SandboxHttp.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KnobsAndObservationTest {

  @RegisterExtension
  static final SandboxExtension sandbox = SandboxExtension.started().resetBeforeEach();

  private static void assertUnauthorized(HttpResponse<String> response) {
    assertEquals(401, response.statusCode());
    assertTrue(
        response
            .headers()
            .firstValue("WWW-Authenticate")
            .orElse("")
            .startsWith("Bearer error=\"invalid_token\""));
    JsonObject error = json(response).getJsonObject("error");
    assertEquals(DataverseException.ACCESS_TOKEN_EXPIRED, error.getString("code"));
  }

  @Test
  void dataRequestsWithoutAValidBearerTokenAre401() {
    assertUnauthorized(sandbox.send("GET", SandboxHttp.API + "accounts", null));
    assertUnauthorized(sandbox.apiWith("made-up-token", "GET", "accounts", null));
    assertUnauthorized(
        sandbox.send(
            "GET", SandboxHttp.API + "accounts", null, "Authorization", "Basic dXNlcjpwYXNz"));
  }

  @Test
  void anExpiredTokenIs401() {
    sandbox.knobs(new JsonObject().put("tokenLifetimeSeconds", 1));
    String token = sandbox.token();
    assertEquals(200, sandbox.apiWith(token, "GET", "WhoAmI", null).statusCode());

    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> sandbox.apiWith(token, "GET", "WhoAmI", null).statusCode() == 401);

    HttpResponse<String> response = sandbox.apiWith(token, "GET", "WhoAmI", null);
    assertUnauthorized(response);
    assertTrue(json(response).getJsonObject("error").getString("message").contains("expired"));
  }

  @Test
  void revokedTokensAre401() {
    String token = sandbox.token();
    assertEquals(200, sandbox.apiWith(token, "GET", "WhoAmI", null).statusCode());

    assertEquals(204, sandbox.send("POST", "/_sandbox/tokens/revoke", null).statusCode());

    assertUnauthorized(sandbox.apiWith(token, "GET", "WhoAmI", null));
    assertEquals(
        200,
        sandbox.apiWith(sandbox.token(), "GET", "WhoAmI", null).statusCode(),
        "a new token works");
  }

  @Test
  void fail429KnobThrottlesTheNextRequestsWithRetryAfter() {
    String token = sandbox.token();
    sandbox.knobs(new JsonObject().put("fail429Next", 2).put("retryAfterSeconds", 7));

    HttpResponse<String> first = sandbox.apiWith(token, "GET", "accounts", null);
    HttpResponse<String> second = sandbox.apiWith(token, "GET", "accounts", null);
    HttpResponse<String> third = sandbox.apiWith(token, "GET", "accounts", null);

    assertEquals(429, first.statusCode());
    assertEquals("7", first.headers().firstValue("Retry-After").orElseThrow());
    assertEquals("0x80072322", json(first).getJsonObject("error").getString("code"));
    assertEquals(429, second.statusCode());
    assertEquals(200, third.statusCode());
  }

  @Test
  void fail500KnobAnswersTheNextRequestsWithADataverseServerError() {
    String token = sandbox.token();
    sandbox.knobs(new JsonObject().put("fail500Next", 1));

    HttpResponse<String> failed = sandbox.apiWith(token, "GET", "accounts", null);
    HttpResponse<String> next = sandbox.apiWith(token, "GET", "accounts", null);

    assertEquals(500, failed.statusCode());
    JsonObject error = json(failed).getJsonObject("error");
    assertEquals("0x80040216", error.getString("code"));
    assertTrue(error.getString("message").startsWith("An unexpected error occurred."));
    assertEquals(200, next.statusCode());
    assertEquals(2, sandbox.stats().getLong("dataRequests"), "the failed request was counted");
  }

  @Test
  void fail401KnobRejectsAValidTokenForTheNextRequests() {
    String token = sandbox.token();
    sandbox.knobs(new JsonObject().put("fail401Next", 1));

    assertUnauthorized(sandbox.apiWith(token, "GET", "accounts", null));
    assertEquals(200, sandbox.apiWith(token, "GET", "accounts", null).statusCode());
  }

  @Test
  void latencyKnobDelaysDataResponsesByAtLeastItsValue() {
    String token = sandbox.token();
    sandbox.knobs(new JsonObject().put("latencyMs", 400));

    long start = System.nanoTime();
    HttpResponse<String> response = sandbox.apiWith(token, "GET", "WhoAmI", null);
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;

    assertEquals(200, response.statusCode());
    assertTrue(elapsedMs >= 400, "answered after " + elapsedMs + " ms");
  }

  @Test
  void latencyDoesNotBlockOtherRequests() {
    String token = sandbox.token();
    sandbox.knobs(new JsonObject().put("latencyMs", 1500));
    var slow = CompletableFuture.supplyAsync(() -> sandbox.apiWith(token, "GET", "WhoAmI", null));

    long start = System.nanoTime();
    HttpResponse<String> stats = sandbox.send("GET", "/_sandbox/stats", null);
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;

    assertEquals(200, stats.statusCode());
    assertTrue(elapsedMs < 1000, "control API waited " + elapsedMs + " ms");
    assertEquals(200, slow.join().statusCode());
  }

  @Test
  void knobsAreReadableAndInvalidOnesAreRefused() {
    HttpResponse<String> set = sandbox.knobs(new JsonObject().put("latencyMs", 5));
    assertEquals(200, set.statusCode());
    assertEquals(5, json(set).getInteger("latencyMs"));
    assertEquals(5, json(sandbox.send("GET", "/_sandbox/knobs", null)).getInteger("latencyMs"));

    assertEquals(400, sandbox.knobs(new JsonObject().put("nope", 1)).statusCode());
    assertEquals(400, sandbox.knobs(new JsonObject().put("latencyMs", -1)).statusCode());
    assertEquals(400, sandbox.knobs(new JsonObject().put("latencyMs", "x")).statusCode());
    assertEquals(400, sandbox.knobs(new JsonObject().put("tokenFailStatus", 200)).statusCode());
    assertEquals(
        400,
        sandbox
            .send("POST", "/_sandbox/knobs", "[1]", "Content-Type", "application/json")
            .statusCode());
    assertEquals(5, sandbox.server().knobs().toJson().getInteger("latencyMs"), "unchanged");
  }

  @Test
  void statsCountEveryDataRequestSuccessfulOrNot() {
    String token = sandbox.token();
    sandbox.apiWith(token, "GET", "accounts", null);
    sandbox.apiWith(token, "GET", "nosuchset", null);
    sandbox.apiWith("bad", "GET", "accounts", null);
    sandbox.knobs(new JsonObject().put("fail429Next", 1));
    sandbox.apiWith(token, "GET", "accounts", null);

    JsonObject stats = sandbox.stats();
    assertEquals(4, stats.getLong("dataRequests"));
    assertEquals(1, stats.getLong("tokenRequests"));
    assertEquals(4, sandbox.server().stats().dataRequests());
  }

  @Test
  void requestLogShowsMethodPathQueryAndHeaders() {
    String token = sandbox.token();
    sandbox.apiWith(
        token,
        "GET",
        "accounts?$select=name",
        null,
        "CallerObjectId",
        "11111111-2222-3333-4444-555555555555",
        "Prefer",
        "odata.maxpagesize=1");

    JsonArray log = sandbox.requests();

    assertEquals(1, log.size());
    JsonObject entry = log.getJsonObject(0);
    assertEquals("GET", entry.getString("method"));
    assertEquals("/api/data/v9.2/accounts", entry.getString("path"));
    assertEquals("$select=name", entry.getString("query"));
    JsonObject headers = entry.getJsonObject("headers");
    assertEquals(
        new JsonArray().add("11111111-2222-3333-4444-555555555555"),
        headers.getJsonArray("callerobjectid"));
    assertEquals(new JsonArray().add("Bearer " + token), headers.getJsonArray("authorization"));
    assertEquals(new JsonArray().add("4.0"), headers.getJsonArray("odata-maxversion"));
  }

  @Test
  void requestLogKeepsTheBodyAsReceived() {
    String token = sandbox.token();
    String body = "{\"name\":\"Müller & Söhne 🚀\"}";
    sandbox.apiWith(token, "POST", "accounts", body);
    sandbox.apiWith(token, "GET", "accounts", null);

    JsonArray log = sandbox.requests();

    assertEquals(body, log.getJsonObject(0).getString("body"));
    assertEquals("", log.getJsonObject(1).getString("body"));
  }

  @Test
  void requestLogCutsBodiesAfter256KiBBetweenTwoCharacters() {
    String token = sandbox.token();
    // 'é' is two bytes and would straddle the limit: the cut moves before it
    String kept = "x".repeat(RequestLog.MAX_BODY_BYTES - 1);
    sandbox.apiWith(token, "POST", "accounts", kept + "é" + "y".repeat(1000));

    String logged = sandbox.requests().getJsonObject(0).getString("body");

    assertEquals(kept.length(), logged.length());
    assertEquals(kept, logged);
  }

  @Test
  void requestLogKeepsTheLast50() {
    String token = sandbox.token();
    for (int i = 0; i < 55; i++) {
      sandbox.apiWith(token, "GET", "accounts?n=" + i, null);
    }

    JsonArray log = sandbox.requests();

    assertEquals(50, log.size());
    assertEquals("n=5", log.getJsonObject(0).getString("query"));
    assertEquals("n=54", log.getJsonObject(49).getString("query"));
  }

  @Test
  void resetZeroesCountersClearsKnobsTokensAndTheLog() {
    String token = sandbox.token();
    sandbox.apiWith(token, "GET", "accounts", null);
    sandbox.knobs(
        new JsonObject().put("fail429Next", 3).put("fail500Next", 2).put("latencyMs", 10));

    sandbox.reset();

    assertEquals(
        new JsonObject()
            .put("tokenRequests", 0)
            .put("tokenRequestsByGrant", new JsonObject())
            .put("dataRequests", 0)
            .put("refreshTokenRedemptions", 0)
            .put("maxRedemptionsOfOneRefreshToken", 0),
        sandbox.stats());
    assertEquals(0, sandbox.requests().size());
    JsonObject knobs = json(sandbox.send("GET", "/_sandbox/knobs", null));
    assertEquals(0, knobs.getInteger("fail429Next"));
    assertEquals(0, knobs.getInteger("fail500Next"));
    assertEquals(0, knobs.getInteger("latencyMs"));
    assertUnauthorized(sandbox.apiWith(token, "GET", "accounts", null));
  }
}
