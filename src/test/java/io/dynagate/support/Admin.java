package io.dynagate.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.util.Map;

/** RestAssured shortcuts for the admin API. */
public final class Admin {
  /** The bootstrap admin key of the test profile. */
  public static final String KEY = "test-admin-key";

  private Admin() {}

  public static RequestSpecification admin() {
    return given().header("X-Api-Key", KEY).contentType(ContentType.JSON);
  }

  public static RequestSpecification as(String apiKey) {
    return given().header("X-Api-Key", apiKey).contentType(ContentType.JSON);
  }

  /** A valid client-credentials connection body. */
  public static Map<String, Object> clientCredentials(String id, String secret) {
    return Map.of(
        "id",
        id,
        "displayName",
        "Contoso " + id,
        "orgUrl",
        "https://" + id + ".crm4.dynamics.com",
        "auth",
        Map.of(
            "type",
            "client_credentials",
            "tenantId",
            "00000000-0000-0000-0000-0000000000aa",
            "clientId",
            "11111111-2222-3333-4444-555555555555",
            "clientSecret",
            secret));
  }

  public static ValidatableResponse createConnection(String id, String secret) {
    return admin()
        .body(clientCredentials(id, secret))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
  }

  /** Creates an API key and returns the key material. */
  public static String createKey(String principal, String... roles) {
    return admin()
        .body(Map.of("principal", principal, "roles", java.util.List.of(roles)))
        .post("/admin/v1/api-keys")
        .then()
        .statusCode(201)
        .extract()
        .path("key");
  }

  /**
   * Creates an API key for principal {@code engine-<connectionId>} (role caller) holding a read
   * grant on the connection; returns the key material.
   */
  public static String readerOf(String connectionId) {
    String principal = "engine-" + connectionId;
    String key = createKey(principal, "caller");
    admin()
        .body(Map.of("access", "read"))
        .put("/admin/v1/connections/" + connectionId + "/grants/" + principal)
        .then()
        .statusCode(200);
    return key;
  }

  /** A static-token connection and a caller key holding a grant on it. */
  public record Caller(String connection, String key) {}

  /**
   * Creates connection {@code prefix-<random>} to {@code orgUrl} with a static token, an API key
   * for principal {@code prefix-reader-<random>} (role caller) and a grant with {@code access}.
   */
  public static Caller staticTokenCaller(String prefix, String orgUrl, String access) {
    String suffix = java.util.UUID.randomUUID().toString().substring(0, 8);
    String connection = prefix + "-" + suffix;
    admin()
        .body(
            Map.of(
                "id",
                connection,
                "orgUrl",
                orgUrl,
                "auth",
                Map.of("type", "static_token", "accessToken", prefix + "-token-" + suffix)))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
    String principal = prefix + "-reader-" + suffix;
    String key = createKey(principal, "caller");
    admin()
        .body(Map.of("access", access))
        .put("/admin/v1/connections/" + connection + "/grants/" + principal)
        .then()
        .statusCode(200);
    return new Caller(connection, key);
  }
}
