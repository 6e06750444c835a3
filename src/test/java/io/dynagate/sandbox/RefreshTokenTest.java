package io.dynagate.sandbox;

import static io.dynagate.sandbox.SandboxHttp.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RefreshTokenTest {

  @RegisterExtension
  static final SandboxExtension sandbox = SandboxExtension.started().resetBeforeEach();

  private static HttpResponse<String> refresh(String refreshToken) {
    return sandbox.tokenRequest(sandbox.refreshForm(refreshToken));
  }

  private static String refreshOk(String refreshToken) {
    HttpResponse<String> response = refresh(refreshToken);
    assertEquals(200, response.statusCode(), response.body());
    return json(response).getString("refresh_token");
  }

  private static void assertExpiredGrant(HttpResponse<String> response) {
    assertEquals(400, response.statusCode(), response.body());
    JsonObject body = json(response);
    assertEquals("invalid_grant", body.getString("error"));
    assertEquals(70008, body.getJsonArray("error_codes").getInteger(0));
    assertTrue(
        body.getString("error_description")
            .startsWith(
                "AADSTS70008: The provided authorization code or refresh token has expired due to"
                    + " inactivity."));
  }

  @Test
  void everyRefreshReturnsANewRefreshTokenAndTheOldOneStaysValid() {
    String first = sandbox.userTokens().getString("refresh_token");

    HttpResponse<String> response = refresh(first);
    assertEquals(200, response.statusCode(), response.body());
    JsonObject body = json(response);
    assertEquals("Bearer", body.getString("token_type"));
    assertEquals(3600, body.getInteger("expires_in"));
    assertEquals(sandbox.server().baseUrl() + "/user_impersonation", body.getString("scope"));
    assertEquals(
        200, sandbox.apiWith(body.getString("access_token"), "GET", "WhoAmI", null).statusCode());
    String second = body.getString("refresh_token");
    String third = refreshOk(first);
    String fourth = refreshOk(second);

    Set<String> all = new HashSet<>(List.of(first, second, third, fourth));
    assertEquals(4, all.size(), "a new refresh token every time");
  }

  @Test
  void scopeDefaultsToTheGrantedOne() {
    String refreshToken = sandbox.userTokens().getString("refresh_token");
    Map<String, String> form = sandbox.refreshForm(refreshToken);
    form.remove("scope");

    HttpResponse<String> response = sandbox.tokenRequest(form);

    assertEquals(200, response.statusCode(), response.body());
    assertEquals(
        sandbox.server().baseUrl() + "/user_impersonation", json(response).getString("scope"));
  }

  @Test
  void strictRotationMakesAUsedRefreshTokenInvalid() {
    sandbox.knobs(new JsonObject().put("oldRefreshTokenInvalidAfterUse", true));
    String first = sandbox.userTokens().getString("refresh_token");

    String second = refreshOk(first);

    assertExpiredGrant(refresh(first));
    String third = refreshOk(second);
    assertExpiredGrant(refresh(second));
    assertNotEquals(second, third);
  }

  @Test
  void invalidGrantNextRefusesTheNextUserGrantsOnly() {
    String refreshToken = sandbox.userTokens().getString("refresh_token");
    String code = sandbox.code();
    sandbox.knobs(new JsonObject().put("invalidGrantNext", 2));

    assertEquals(200, sandbox.tokenRequest(sandbox.clientCredentials()).statusCode());
    assertExpiredGrant(refresh(refreshToken));
    assertExpiredGrant(sandbox.tokenRequest(sandbox.redeemForm(code)));
    assertEquals(
        0, json(sandbox.send("GET", "/_sandbox/knobs", null)).getInteger("invalidGrantNext"));

    refreshOk(refreshToken);
    assertEquals(200, sandbox.tokenRequest(sandbox.redeemForm(code)).statusCode(), "code kept");
  }

  @Test
  void revokedRefreshTokensAreInvalidGrant() {
    String first = sandbox.userTokens().getString("refresh_token");
    String second = refreshOk(first);

    assertEquals(204, sandbox.send("POST", "/_sandbox/refresh-tokens/revoke", null).statusCode());

    assertExpiredGrant(refresh(first));
    assertExpiredGrant(refresh(second));
    String fresh = sandbox.userTokens().getString("refresh_token");
    refreshOk(fresh);

    HttpResponse<String> viaKnobs =
        sandbox.knobs(new JsonObject().put("revokeRefreshTokens", true));
    assertEquals(200, viaKnobs.statusCode(), viaKnobs.body());
    assertFalse(json(viaKnobs).containsKey("revokeRefreshTokens"), "an action, not a knob");
    assertExpiredGrant(refresh(fresh));
  }

  @Test
  void revokeInTheKnobsBodyIsNotDoneWhenAKnobIsInvalid() {
    String refreshToken = sandbox.userTokens().getString("refresh_token");

    assertEquals(
        400,
        sandbox
            .knobs(new JsonObject().put("revokeRefreshTokens", true).put("latencyMs", -1))
            .statusCode());
    assertEquals(
        400, sandbox.knobs(new JsonObject().put("revokeRefreshTokens", "yes")).statusCode());

    refreshOk(refreshToken);
  }

  @Test
  void unknownMissingOrForeignRefreshTokens() {
    assertExpiredGrant(refresh("sbx-rt.made-up"));

    Map<String, String> missing = sandbox.refreshForm("x");
    missing.remove("refresh_token");
    HttpResponse<String> noToken = sandbox.tokenRequest(missing);
    assertEquals(400, noToken.statusCode());
    assertEquals("invalid_request", json(noToken).getString("error"));

    String refreshToken = sandbox.userTokens().getString("refresh_token");
    Map<String, String> wrongSecret = sandbox.refreshForm(refreshToken);
    wrongSecret.put("client_secret", "wrong");
    assertEquals(401, sandbox.tokenRequest(wrongSecret).statusCode());
    Map<String, String> rightSecret = sandbox.refreshForm(refreshToken);
    rightSecret.put("client_secret", SandboxOptions.DEFAULT_CLIENT_SECRET);
    assertEquals(200, sandbox.tokenRequest(rightSecret).statusCode());
  }

  @Test
  void refreshInAndTokenLifetimeKnobsApplyToEveryGrant() {
    sandbox.knobs(new JsonObject().put("refreshInSeconds", 30).put("tokenLifetimeSeconds", 120));

    JsonObject user = sandbox.userTokens();
    JsonObject refreshed = json(refresh(user.getString("refresh_token")));
    JsonObject app = json(sandbox.tokenRequest(sandbox.clientCredentials()));

    for (JsonObject body : new JsonObject[] {user, refreshed, app}) {
      assertEquals(30, body.getInteger("refresh_in"), body.encode());
      assertEquals(120, body.getInteger("expires_in"), body.encode());
    }
    sandbox.knobs(new JsonObject().put("refreshInSeconds", 500));
    assertEquals(120, sandbox.userTokens().getInteger("refresh_in"), "capped at the lifetime");
    sandbox.knobs(new JsonObject().putNull("refreshInSeconds"));
    assertNull(sandbox.userTokens().getInteger("refresh_in"));
  }

  @Test
  void refreshLatencyDelaysOnlyRefreshAnswers() {
    String refreshToken = sandbox.userTokens().getString("refresh_token");
    sandbox.knobs(new JsonObject().put("refreshLatencyMs", 400));

    long start = System.nanoTime();
    refreshOk(refreshToken);
    long refreshMs = (System.nanoTime() - start) / 1_000_000;

    assertTrue(refreshMs >= 400, "refresh answered after " + refreshMs + " ms");
    long codeStart = System.nanoTime();
    sandbox.userTokens();
    long codeMs = (System.nanoTime() - codeStart) / 1_000_000;
    assertTrue(codeMs < refreshMs + 2000, "authorization code flow answered after " + codeMs);
  }

  @Test
  void aRefreshIsCarriedOutBeforeItsDelayedAnswer() throws Exception {
    sandbox.knobs(
        new JsonObject().put("refreshLatencyMs", 1500).put("oldRefreshTokenInvalidAfterUse", true));
    String refreshToken = sandbox.userTokens().getString("refresh_token");

    CompletableFuture<HttpResponse<String>> pending =
        CompletableFuture.supplyAsync(() -> refresh(refreshToken));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> sandbox.server().grants().validRefreshToken(refreshToken) == null);

    assertFalse(pending.isDone(), "the answer is still held back");
    assertEquals(1, sandbox.stats().getLong("refreshTokenRedemptions"));
    assertEquals(200, pending.get().statusCode());
    assertExpiredGrant(refresh(refreshToken));
  }

  @Test
  void statsCountRefreshRedemptionsWithoutExposingTokens() {
    String first = sandbox.userTokens().getString("refresh_token");
    String second = refreshOk(first);
    refreshOk(first);
    refreshOk(first);
    refreshOk(second);
    refresh("sbx-rt.made-up");
    Map<String, String> missing = sandbox.refreshForm("x");
    missing.remove("refresh_token");
    sandbox.tokenRequest(missing);

    JsonObject stats = sandbox.stats();
    assertEquals(6, stats.getLong("refreshTokenRedemptions"), stats.encode());
    assertEquals(3, stats.getLong("maxRedemptionsOfOneRefreshToken"), stats.encode());
    assertEquals(6, stats.getJsonObject("tokenRequestsByGrant").getLong("refresh_token"));
    assertEquals(1, stats.getJsonObject("tokenRequestsByGrant").getLong("authorization_code"));
    assertEquals(7, stats.getLong("tokenRequests"));
    assertFalse(stats.encode().contains(first.substring(7, 15)), "no token material");
    assertFalse(stats.encode().contains("sbx-rt"), "no token material");
    assertEquals(6, sandbox.server().stats().refreshTokenRedemptions());
    assertEquals(3, sandbox.server().stats().maxRedemptionsOfOneRefreshToken());
  }

  @Test
  void knobsAreReadableAndResetClearsRefreshState() {
    JsonObject defaults = json(sandbox.send("GET", "/_sandbox/knobs", null));
    assertEquals(0, defaults.getInteger("invalidGrantNext"));
    assertEquals(0, defaults.getInteger("refreshLatencyMs"));
    assertTrue(defaults.containsKey("refreshInSeconds"));
    assertNull(defaults.getValue("refreshInSeconds"));
    assertEquals(false, defaults.getBoolean("oldRefreshTokenInvalidAfterUse"));
    assertEquals(
        400, sandbox.knobs(new JsonObject().put("oldRefreshTokenInvalidAfterUse", 1)).statusCode());
    assertEquals(400, sandbox.knobs(new JsonObject().put("invalidGrantNext", true)).statusCode());

    String refreshToken = sandbox.userTokens().getString("refresh_token");
    refreshOk(refreshToken);
    sandbox.knobs(
        new JsonObject()
            .put("invalidGrantNext", 3)
            .put("refreshInSeconds", 10)
            .put("refreshLatencyMs", 5)
            .put("oldRefreshTokenInvalidAfterUse", true));

    sandbox.reset();

    assertEquals(defaults, json(sandbox.send("GET", "/_sandbox/knobs", null)));
    assertEquals(0, sandbox.stats().getLong("refreshTokenRedemptions"));
    assertEquals(0, sandbox.stats().getLong("maxRedemptionsOfOneRefreshToken"));
    assertExpiredGrant(refresh(refreshToken));
  }
}
