package io.dynagate.support;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.util.Map;

/** A browser consent against the sandbox: start it, let the person decide, reach the callback. */
public final class Consent {
  private Consent() {}

  /** An authorization-code connection body whose identity endpoints are the sandbox's. */
  public static Map<String, Object> delegatedConnection(String id, Sandbox sandbox) {
    return Map.of(
        "id",
        id,
        "orgUrl",
        sandbox.baseUrl(),
        "auth",
        Map.of(
            "type", "authorization_code",
            "clientId", "sandbox-client",
            "clientSecret", "sandbox-secret",
            "tokenUrl", sandbox.baseUrl() + "/sandbox-tenant/oauth2/v2.0/token",
            "authorizeUrl", sandbox.baseUrl() + "/sandbox-tenant/oauth2/v2.0/authorize"));
  }

  /** {@code POST …/authorizations} as {@code admin}; the authorize URL. */
  public static String start(RequestSpecification admin, String connectionId) {
    return admin
        .post("/admin/v1/connections/" + connectionId + "/authorizations")
        .then()
        .statusCode(201)
        .extract()
        .path("authorizeUrl");
  }

  /** The person's decision at the sandbox: the callback it redirects to (path and query). */
  public static String decide(String authorizeUrl, String decision) {
    String location =
        given()
            .redirects()
            .follow(false)
            .urlEncodingEnabled(false)
            .get(authorizeUrl + "&decision=" + decision)
            .then()
            .statusCode(302)
            .extract()
            .header("Location");
    assertTrue(location.contains("/oauth2/callback?"), location);
    URI uri = URI.create(location);
    return uri.getRawPath() + "?" + uri.getRawQuery();
  }

  /** The browser arriving at the callback, with a request id of its own. */
  public static io.restassured.response.Response callback(String pathAndQuery, String requestId) {
    return given().urlEncodingEnabled(false).header("X-Request-Id", requestId).get(pathAndQuery);
  }
}
