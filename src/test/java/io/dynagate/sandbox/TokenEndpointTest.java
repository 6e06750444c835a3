package io.dynagate.sandbox;

import static io.dynagate.sandbox.SandboxHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TokenEndpointTest {

  @RegisterExtension
  static final SandboxExtension sandbox = SandboxExtension.started().resetBeforeEach();

  /** A second sandbox, configured to send {@code refresh_in}. */
  @RegisterExtension
  static final SandboxExtension refreshing =
      SandboxExtension.with(SandboxOptions.defaults().withRefreshIn(Duration.ofMinutes(30)));

  @Test
  void clientCredentialsWithFormSecretIssuesABearerToken() {
    HttpResponse<String> response = sandbox.tokenRequest(sandbox.clientCredentials());

    assertEquals(200, response.statusCode(), response.body());
    JsonObject body = json(response);
    assertEquals("Bearer", body.getString("token_type"));
    assertEquals(3600, body.getInteger("expires_in"));
    assertEquals(3600, body.getInteger("ext_expires_in"));
    assertTrue(body.getString("access_token").length() >= 32);
    assertFalse(body.containsKey("refresh_in"), "refresh_in only when configured");
    assertTrue(response.headers().firstValue("Content-Type").orElse("").contains("json"));
    assertEquals("no-store, no-cache", response.headers().firstValue("Cache-Control").orElse(""));
  }

  @Test
  void everyTokenIsDifferent() {
    assertNotEquals(sandbox.token(), sandbox.token());
  }

  @Test
  void clientCredentialsWithHttpBasicIssuesAToken() {
    Map<String, String> form = sandbox.clientCredentials();
    form.remove("client_id");
    form.remove("client_secret");
    String basic =
        Base64.getEncoder()
            .encodeToString(
                (SandboxOptions.DEFAULT_CLIENT_ID + ":" + SandboxOptions.DEFAULT_CLIENT_SECRET)
                    .getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> response = sandbox.tokenRequest(form, "Authorization", "Basic " + basic);

    assertEquals(200, response.statusCode(), response.body());
    assertEquals("Bearer", json(response).getString("token_type"));
  }

  @Test
  void httpBasicWithAWrongSecretIsInvalidClient() {
    Map<String, String> form = sandbox.clientCredentials();
    form.remove("client_secret");
    String basic =
        Base64.getEncoder()
            .encodeToString(
                (SandboxOptions.DEFAULT_CLIENT_ID + ":nope").getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> response = sandbox.tokenRequest(form, "Authorization", "Basic " + basic);

    assertEquals(401, response.statusCode());
    assertEquals("invalid_client", json(response).getString("error"));
  }

  @Test
  void wrongSecretIsInvalidClientInEntraShape() {
    Map<String, String> form = sandbox.clientCredentials();
    form.put("client_secret", "wrong");

    HttpResponse<String> response = sandbox.tokenRequest(form);

    assertEquals(401, response.statusCode());
    JsonObject body = json(response);
    assertEquals("invalid_client", body.getString("error"));
    String description = body.getString("error_description");
    assertTrue(description.startsWith("AADSTS7000215: Invalid client secret provided."));
    assertTrue(description.contains("Trace ID: " + body.getString("trace_id")));
    assertTrue(description.contains("Correlation ID: " + body.getString("correlation_id")));
    assertTrue(description.contains("Timestamp: " + body.getString("timestamp")));
    assertEquals(new JsonArray().add(7000215), body.getJsonArray("error_codes"));
  }

  @Test
  void unknownClientIsInvalidClient() {
    Map<String, String> form = sandbox.clientCredentials();
    form.put("client_id", "someone-else");

    HttpResponse<String> response = sandbox.tokenRequest(form);

    assertEquals(401, response.statusCode());
    assertEquals("invalid_client", json(response).getString("error"));
  }

  @Test
  void missingSecretIsInvalidClient7000218() {
    Map<String, String> form = sandbox.clientCredentials();
    form.remove("client_secret");

    HttpResponse<String> response = sandbox.tokenRequest(form);

    assertEquals(401, response.statusCode());
    assertEquals(7000218, json(response).getJsonArray("error_codes").getInteger(0));
  }

  @Test
  void missingScopeIsInvalidScope() {
    Map<String, String> form = sandbox.clientCredentials();
    form.remove("scope");

    HttpResponse<String> response = sandbox.tokenRequest(form);

    assertEquals(400, response.statusCode());
    JsonObject body = json(response);
    assertEquals("invalid_scope", body.getString("error"));
    assertTrue(body.getString("error_description").startsWith("AADSTS70011:"));
    assertEquals(70011, body.getJsonArray("error_codes").getInteger(0));
  }

  @Test
  void clientCredentialsScopeWithoutDefaultSuffixIsInvalidScope() {
    Map<String, String> form = sandbox.clientCredentials();
    form.put("scope", sandbox.server().baseUrl() + "/user_impersonation");

    HttpResponse<String> response = sandbox.tokenRequest(form);

    assertEquals(400, response.statusCode());
    assertEquals("invalid_scope", json(response).getString("error"));
  }

  @Test
  void otherGrantTypesAreUnsupported() {
    Map<String, String> form = sandbox.clientCredentials();
    form.put("grant_type", "password");

    HttpResponse<String> response = sandbox.tokenRequest(form);

    assertEquals(400, response.statusCode());
    JsonObject body = json(response);
    assertEquals("unsupported_grant_type", body.getString("error"));
    assertEquals(70003, body.getJsonArray("error_codes").getInteger(0));
  }

  @Test
  void missingGrantTypeIsInvalidRequest() {
    Map<String, String> form = sandbox.clientCredentials();
    form.remove("grant_type");

    HttpResponse<String> response = sandbox.tokenRequest(form);

    assertEquals(400, response.statusCode());
    assertEquals("invalid_request", json(response).getString("error"));
  }

  @Test
  void refreshInIsSentWhenConfigured() {
    JsonObject body = json(refreshing.tokenRequest(refreshing.clientCredentials()));

    assertEquals(1800, body.getInteger("refresh_in"));
    assertEquals(3600, body.getInteger("expires_in"));
  }

  @Test
  void tokenLifetimeKnobChangesExpiresIn() {
    sandbox.knobs(new JsonObject().put("tokenLifetimeSeconds", 120));

    assertEquals(
        120, json(sandbox.tokenRequest(sandbox.clientCredentials())).getInteger("expires_in"));
  }

  @Test
  void everyTokenRequestIsCountedByGrant() {
    sandbox.token();
    Map<String, String> bad = sandbox.clientCredentials();
    bad.put("client_secret", "wrong");
    sandbox.tokenRequest(bad);
    Map<String, String> other = sandbox.clientCredentials();
    other.put("grant_type", "refresh_token");
    sandbox.tokenRequest(other);

    JsonObject stats = sandbox.stats();
    assertEquals(3, stats.getLong("tokenRequests"));
    assertEquals(2, stats.getJsonObject("tokenRequestsByGrant").getLong("client_credentials"));
    assertEquals(1, stats.getJsonObject("tokenRequestsByGrant").getLong("refresh_token"));
    assertEquals(0, stats.getLong("dataRequests"));
    assertEquals(3, sandbox.server().stats().tokenRequests());
  }

  @Test
  void tokenFailKnobFailsTheNextRequestsThenRecovers() {
    sandbox.knobs(new JsonObject().put("tokenFailNext", 2).put("tokenFailStatus", 503));

    HttpResponse<String> first = sandbox.tokenRequest(sandbox.clientCredentials());
    HttpResponse<String> second = sandbox.tokenRequest(sandbox.clientCredentials());
    HttpResponse<String> third = sandbox.tokenRequest(sandbox.clientCredentials());

    assertEquals(503, first.statusCode());
    assertEquals("temporarily_unavailable", json(first).getString("error"));
    assertEquals(503, second.statusCode());
    assertEquals(200, third.statusCode());
    assertEquals(3, sandbox.stats().getLong("tokenRequests"));
  }

  @Test
  void tokenFailStatusDefaultsTo500() {
    sandbox.knobs(new JsonObject().put("tokenFailNext", 1));

    assertEquals(500, sandbox.tokenRequest(sandbox.clientCredentials()).statusCode());
  }

  @Test
  void tokenLatencyKnobDelaysTheTokenResponse() {
    sandbox.knobs(new JsonObject().put("tokenLatencyMs", 300));

    long start = System.nanoTime();
    HttpResponse<String> response = sandbox.tokenRequest(sandbox.clientCredentials());
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;

    assertEquals(200, response.statusCode());
    assertTrue(elapsedMs >= 300, "answered after " + elapsedMs + " ms");
  }
}
