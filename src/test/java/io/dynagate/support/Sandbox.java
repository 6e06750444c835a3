package io.dynagate.support;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.lessThan;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.Map;

/** Drives the sandbox emulator's knobs and reads its counters. */
public final class Sandbox {
  private final String baseUrl;

  public Sandbox(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public String baseUrl() {
    return baseUrl;
  }

  public String tokenUrl() {
    return baseUrl + "/sandbox-tenant/oauth2/v2.0/token";
  }

  public void reset() {
    given().post(baseUrl + "/_sandbox/reset").then().statusCode(lessThan(300));
  }

  public void knobs(Map<String, Object> knobs) {
    given()
        .contentType(ContentType.JSON)
        .body(knobs)
        .post(baseUrl + "/_sandbox/knobs")
        .then()
        .statusCode(lessThan(300));
  }

  public int tokenRequests() {
    return stats().getInt("tokenRequests");
  }

  public int dataRequests() {
    return stats().getInt("dataRequests");
  }

  public JsonPath stats() {
    return given().get(baseUrl + "/_sandbox/stats").then().statusCode(200).extract().jsonPath();
  }

  /** The data-API requests the sandbox saw, oldest first. */
  public JsonPath requests() {
    return given().get(baseUrl + "/_sandbox/requests").then().statusCode(200).extract().jsonPath();
  }

  /** A client-credentials connection body pointing at the sandbox. */
  public Map<String, Object> connection(String id) {
    return connection(id, baseUrl, tokenUrl());
  }

  public static Map<String, Object> connection(String id, String orgUrl, String tokenUrl) {
    return Map.of(
        "id",
        id,
        "orgUrl",
        orgUrl,
        "auth",
        Map.of(
            "type", "client_credentials",
            "clientId", "sandbox-client",
            "clientSecret", "sandbox-secret",
            "tokenUrl", tokenUrl,
            "scopes", java.util.List.of(orgUrl + "/.default")));
  }
}
