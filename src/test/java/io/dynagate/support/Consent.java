package io.dynagate.support;

import static io.dynagate.support.Admin.admin;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
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

  /**
   * Creates the {@link #delegatedConnection} {@code id}, an API key for principal {@code
   * engine-<id>} (role caller) and a read grant for it; returns the key material.
   */
  public static String delegatedReader(String id, Sandbox sandbox) {
    admin()
        .body(delegatedConnection(id, sandbox))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
    return Admin.readerOf(id);
  }

  /** {@code POST …/authorizations} as {@code admin}: the 201 response, for further checks. */
  public static ValidatableResponse started(RequestSpecification admin, String connectionId) {
    return admin
        .post("/admin/v1/connections/" + connectionId + "/authorizations")
        .then()
        .statusCode(201);
  }

  /** {@code POST …/authorizations} as {@code admin}; the authorize URL. */
  public static String start(RequestSpecification admin, String connectionId) {
    return started(admin, connectionId).extract().path("authorizeUrl");
  }

  /** The person's decision at the sandbox: the callback it redirects to (path and query). */
  public static String decide(String authorizeUrl, String decision) {
    String location = redirect(authorizeUrl, decision);
    assertTrue(location.contains("/oauth2/callback?"), location);
    return pathAndQuery(location);
  }

  /**
   * The person's decision at the sandbox, which must redirect to the callback under {@code
   * publicBaseUrl}; the callback's path and query.
   */
  public static String decide(String authorizeUrl, String decision, String publicBaseUrl) {
    String location = redirect(authorizeUrl, decision);
    assertTrue(location.startsWith(publicBaseUrl + "/oauth2/callback?"), location);
    return pathAndQuery(location);
  }

  /** The browser arriving at the callback. */
  public static Response callback(String pathAndQuery) {
    return given().urlEncodingEnabled(false).get(pathAndQuery);
  }

  /** The browser arriving at the callback, with a request id of its own. */
  public static Response callback(String pathAndQuery, String requestId) {
    return given().urlEncodingEnabled(false).header("X-Request-Id", requestId).get(pathAndQuery);
  }

  private static String redirect(String authorizeUrl, String decision) {
    return given()
        .redirects()
        .follow(false)
        .urlEncodingEnabled(false)
        .get(authorizeUrl + "&decision=" + decision)
        .then()
        .statusCode(302)
        .extract()
        .header("Location");
  }

  private static String pathAndQuery(String location) {
    URI uri = URI.create(location);
    return uri.getRawPath() + "?" + uri.getRawQuery();
  }
}
