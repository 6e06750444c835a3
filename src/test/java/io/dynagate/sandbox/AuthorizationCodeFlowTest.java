package io.dynagate.sandbox;

import static io.dynagate.sandbox.SandboxHttp.REDIRECT_URI;
import static io.dynagate.sandbox.SandboxHttp.json;
import static io.dynagate.sandbox.SandboxHttp.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuthorizationCodeFlowTest {

  @RegisterExtension
  static final SandboxExtension sandbox = SandboxExtension.started().resetBeforeEach();

  @AfterEach
  void realTime() {
    sandbox.server().grants().clock(Instant::now);
  }

  private static String location(HttpResponse<String> response) {
    assertEquals(302, response.statusCode(), response.body());
    return response.headers().firstValue("Location").orElseThrow();
  }

  private static void assertInvalidGrant(HttpResponse<String> response, int aadsts) {
    assertEquals(400, response.statusCode(), response.body());
    JsonObject body = json(response);
    assertEquals("invalid_grant", body.getString("error"));
    assertEquals(aadsts, body.getJsonArray("error_codes").getInteger(0));
    assertTrue(body.getString("error_description").startsWith("AADSTS" + aadsts + ": "));
  }

  @Test
  void authorizePageShowsClientScopesAndTheTwoButtons() {
    HttpResponse<String> page = sandbox.authorize(sandbox.authorizeParams("st-1"));

    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    String html = page.body();
    assertTrue(html.contains(">" + SandboxOptions.DEFAULT_CLIENT_ID + "<"), html);
    assertTrue(html.contains("<li>" + sandbox.server().baseUrl() + "/user_impersonation</li>"));
    assertTrue(html.contains("<li>offline_access</li>"));
    assertTrue(html.contains("<form method=\"post\" action=\"" + SandboxHttp.AUTHORIZE + "\">"));
    assertTrue(html.contains("id=\"accept\" name=\"decision\" value=\"accept\">Accept</button>"));
    assertTrue(
        html.contains("id=\"decline\" name=\"decision\" value=\"decline\">Decline</button>"));
    assertTrue(html.contains("<input type=\"hidden\" name=\"state\" value=\"st-1\">"));
    assertTrue(html.contains("name=\"code_challenge\" value=\"" + SandboxHttp.CHALLENGE + "\""));
  }

  @Test
  void fullCodeFlowWithPkceIssuesTokensAndTheCodeOnlyOnce() {
    String location = location(sandbox.consent(sandbox.authorizeParams("xyz 1/2"), "accept"));

    assertTrue(location.startsWith(REDIRECT_URI + "?code="), location);
    Map<String, String> query = query(location);
    assertEquals("xyz 1/2", query.get("state"));
    String code = query.get("code");
    assertTrue(code.length() >= 32);

    HttpResponse<String> redeemed = sandbox.tokenRequest(sandbox.redeemForm(code));
    assertEquals(200, redeemed.statusCode(), redeemed.body());
    JsonObject tokens = json(redeemed);
    assertEquals("Bearer", tokens.getString("token_type"));
    assertEquals(3600, tokens.getInteger("expires_in"));
    assertEquals(sandbox.server().baseUrl() + "/user_impersonation", tokens.getString("scope"));
    assertTrue(tokens.getString("refresh_token").length() >= 32);
    assertNotEquals(tokens.getString("access_token"), tokens.getString("refresh_token"));
    assertFalse(tokens.containsKey("refresh_in"));
    assertEquals(
        200, sandbox.apiWith(tokens.getString("access_token"), "GET", "WhoAmI", null).statusCode());

    HttpResponse<String> again = sandbox.tokenRequest(sandbox.redeemForm(code));
    assertInvalidGrant(again, 54005);
    assertTrue(
        json(again)
            .getString("error_description")
            .startsWith("AADSTS54005: OAuth2 Authorization code was already redeemed"));
    assertEquals(
        2, sandbox.stats().getJsonObject("tokenRequestsByGrant").getLong("authorization_code"));
  }

  @Test
  void getWithDecisionAcceptSkipsThePageAndKeepsTheRedirectQuery() {
    Map<String, String> params = sandbox.authorizeParams("s2");
    params.put("redirect_uri", "https://app.example/cb?tenant=a");
    params.put("decision", "accept");

    String location = location(sandbox.authorize(params));

    assertTrue(location.startsWith("https://app.example/cb?tenant=a&code="), location);
    assertEquals("s2", query(location).get("state"));
  }

  @Test
  void aWrongVerifierIs501481AndLeavesTheCodeRedeemable() {
    String code = sandbox.code();
    Map<String, String> form = sandbox.redeemForm(code);
    form.put("code_verifier", SandboxHttp.VERIFIER.replace('d', 'e'));

    HttpResponse<String> wrong = sandbox.tokenRequest(form);

    assertInvalidGrant(wrong, 501481);
    assertTrue(
        json(wrong)
            .getString("error_description")
            .startsWith(
                "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in"
                    + " the authorization request."));
    form.remove("code_verifier");
    assertInvalidGrant(sandbox.tokenRequest(form), 501481);
    assertEquals(200, sandbox.tokenRequest(sandbox.redeemForm(code)).statusCode());
  }

  @Test
  void aDifferentRedirectUriIsInvalidGrant() {
    Map<String, String> form = sandbox.redeemForm(sandbox.code());
    form.put("redirect_uri", REDIRECT_URI + "/other");

    HttpResponse<String> response = sandbox.tokenRequest(form);

    assertInvalidGrant(response, 500112);
  }

  @Test
  void codesExpireAfterTenMinutes() {
    String code = sandbox.code();
    Instant later = Instant.now().plus(Duration.ofMinutes(10)).plusSeconds(1);
    sandbox.server().grants().clock(() -> later);

    assertInvalidGrant(sandbox.tokenRequest(sandbox.redeemForm(code)), 70008);
  }

  @Test
  void anUnknownCodeIsInvalidGrant() {
    assertInvalidGrant(sandbox.tokenRequest(sandbox.redeemForm("sbx-code.made-up")), 70008);
  }

  @Test
  void aConfidentialClientMaySendItsSecretButNotAWrongOne() {
    Map<String, String> withSecret = sandbox.redeemForm(sandbox.code());
    withSecret.put("client_secret", SandboxOptions.DEFAULT_CLIENT_SECRET);
    assertEquals(200, sandbox.tokenRequest(withSecret).statusCode());

    Map<String, String> wrongSecret = sandbox.redeemForm(sandbox.code());
    wrongSecret.put("client_secret", "wrong");
    HttpResponse<String> refused = sandbox.tokenRequest(wrongSecret);
    assertEquals(401, refused.statusCode());
    assertEquals("invalid_client", json(refused).getString("error"));

    Map<String, String> otherClient = sandbox.redeemForm(sandbox.code());
    otherClient.put("client_id", "someone-else");
    HttpResponse<String> unknown = sandbox.tokenRequest(otherClient);
    assertEquals(400, unknown.statusCode());
    assertEquals(700016, json(unknown).getJsonArray("error_codes").getInteger(0));
  }

  @Test
  void missingCodeOrRedirectUriIsInvalidRequest() {
    Map<String, String> noCode = sandbox.redeemForm("x");
    noCode.remove("code");
    assertEquals("invalid_request", json(sandbox.tokenRequest(noCode)).getString("error"));
    Map<String, String> noRedirect = sandbox.redeemForm("x");
    noRedirect.remove("redirect_uri");
    assertEquals("invalid_request", json(sandbox.tokenRequest(noRedirect)).getString("error"));
  }

  @Test
  void declineRedirectsWithAccessDenied() {
    String location = location(sandbox.consent(sandbox.authorizeParams("st-d"), "decline"));

    assertTrue(location.startsWith(REDIRECT_URI + "?error=access_denied&"), location);
    Map<String, String> query = query(location);
    assertFalse(query.containsKey("code"));
    assertTrue(query.get("error_description").startsWith("AADSTS65004: User declined to consent"));
    assertEquals("st-d", query.get("state"));
  }

  @Test
  void anUnknownClientGetsAnErrorPageNotARedirect() {
    Map<String, String> params = sandbox.authorizeParams("s");
    params.put("client_id", "someone-else");

    HttpResponse<String> response = sandbox.authorize(params);

    assertEquals(400, response.statusCode());
    assertTrue(response.headers().firstValue("Location").isEmpty());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(response.body().contains("AADSTS700016"));
    assertEquals(400, sandbox.consent(params, "accept").statusCode());
  }

  @Test
  void aRedirectUriThatIsNotAnAbsoluteHttpUrlGetsAnErrorPage() {
    for (String bad :
        new String[] {"/relative/cb", "ftp://host/cb", "javascript:alert(1)", "http://h/cb#f"}) {
      Map<String, String> params = sandbox.authorizeParams("s");
      params.put("redirect_uri", bad);

      HttpResponse<String> response = sandbox.consent(params, "accept");

      assertEquals(400, response.statusCode(), bad);
      assertTrue(response.headers().firstValue("Location").isEmpty(), bad);
    }
    Map<String, String> missing = sandbox.authorizeParams("s");
    missing.remove("redirect_uri");
    assertEquals(400, sandbox.authorize(missing).statusCode());
  }

  @Test
  void invalidPkceOrResponseTypeIsRedirectedAsAnError() {
    Map<String, String> noChallenge = sandbox.authorizeParams("s-1");
    noChallenge.remove("code_challenge");
    Map<String, String> query = query(location(sandbox.authorize(noChallenge)));
    assertEquals("invalid_request", query.get("error"));
    assertEquals("s-1", query.get("state"));

    Map<String, String> plain = sandbox.authorizeParams("s-2");
    plain.put("code_challenge_method", "plain");
    assertEquals("invalid_request", query(location(sandbox.authorize(plain))).get("error"));

    Map<String, String> noMethod = sandbox.authorizeParams("s-3");
    noMethod.remove("code_challenge_method");
    assertEquals("invalid_request", query(location(sandbox.authorize(noMethod))).get("error"));

    Map<String, String> token = sandbox.authorizeParams("s-4");
    token.put("response_type", "token");
    assertEquals(
        "unsupported_response_type", query(location(sandbox.authorize(token))).get("error"));

    Map<String, String> badDecision = sandbox.authorizeParams("s-5");
    assertEquals(
        "invalid_request", query(location(sandbox.consent(badDecision, "maybe"))).get("error"));
  }

  @Test
  void scriptInClientIdScopeAndStateIsEscaped() {
    Map<String, String> params = sandbox.authorizeParams("\"><script>alert('state')</script>");
    params.put("scope", "<img src=x onerror=alert(1)> offline_access");

    String html = sandbox.authorize(params).body();

    assertFalse(html.contains("<script>"), html);
    assertFalse(html.contains("<img"), html);
    assertTrue(html.contains("<li>&lt;img</li>"), html);
    assertTrue(html.contains("value=\"&quot;&gt;&lt;script&gt;alert(&#39;state&#39;)"), html);
    assertTrue(html.contains("value=\"&lt;img src=x onerror=alert(1)&gt; offline_access\""));

    Map<String, String> evilClient = sandbox.authorizeParams("s");
    evilClient.put("client_id", "<script>alert(1)</script>");
    HttpResponse<String> error = sandbox.authorize(evilClient);
    assertEquals(400, error.statusCode());
    assertFalse(error.body().contains("<script>"), error.body());
    assertTrue(error.body().contains("&lt;script&gt;alert(1)&lt;/script&gt;"));

    Map<String, String> evilRedirect = sandbox.authorizeParams("s");
    evilRedirect.put("redirect_uri", "\"><script>x</script>");
    assertFalse(sandbox.authorize(evilRedirect).body().contains("<script>"));
  }
}
