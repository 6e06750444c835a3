package io.dynagate.support;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.lessThan;

import io.dynagate.sandbox.SandboxLifecycle;
import io.quarkus.redis.datasource.RedisDataSource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Drives the sandbox emulator's knobs and reads its counters. */
public final class Sandbox {
  private final String baseUrl;

  public Sandbox(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /**
   * A clean slate for a proxy test: empty registry tables and Redis database, the running sandbox's
   * data, counters and knobs reset.
   */
  public static Sandbox cleanSlate(SandboxLifecycle lifecycle, RedisDataSource redis) {
    Db.clean();
    redis.execute("FLUSHDB");
    Sandbox sandbox = new Sandbox(lifecycle.server().orElseThrow().baseUrl());
    sandbox.reset();
    return sandbox;
  }

  public String baseUrl() {
    return baseUrl;
  }

  public String tokenUrl() {
    return baseUrl + "/sandbox-tenant/oauth2/v2.0/token";
  }

  /**
   * An access token straight from the sandbox's IdP (client credentials, as a replica would fetch
   * it); counts as one token request.
   */
  public String clientCredentialsToken() {
    return given()
        .formParam("grant_type", "client_credentials")
        .formParam("client_id", "sandbox-client")
        .formParam("client_secret", "sandbox-secret")
        .formParam("scope", baseUrl + "/.default")
        .post(tokenUrl())
        .then()
        .statusCode(200)
        .extract()
        .path("access_token");
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

  /**
   * The access tokens Dataverse was sent (the {@code Bearer} values in the sandbox's request log,
   * which keeps the last 50 requests).
   */
  public Set<String> bearerTokensSeen() {
    Set<String> tokens = new LinkedHashSet<>();
    for (Object entry : requests().getList("$")) {
      Object headers = ((Map<?, ?>) entry).get("headers");
      Object values = ((Map<?, ?>) headers).get("authorization");
      if (values instanceof List<?> list) {
        for (Object v : list) {
          String auth = String.valueOf(v);
          if (auth.startsWith("Bearer ")) {
            tokens.add(auth.substring(7));
          }
        }
      }
    }
    return tokens;
  }

  /** A client-credentials connection body pointing at the sandbox. */
  public Map<String, Object> connection(String id) {
    return connection(id, baseUrl, tokenUrl());
  }

  /** The same with a client secret of its own (the sandbox may be configured to expect it). */
  public Map<String, Object> connection(String id, String clientSecret) {
    return connection(id, baseUrl, tokenUrl(), clientSecret);
  }

  public static Map<String, Object> connection(String id, String orgUrl, String tokenUrl) {
    return connection(id, orgUrl, tokenUrl, "sandbox-secret");
  }

  public static Map<String, Object> connection(
      String id, String orgUrl, String tokenUrl, String clientSecret) {
    return Map.of(
        "id",
        id,
        "orgUrl",
        orgUrl,
        "auth",
        Map.of(
            "type",
            "client_credentials",
            "clientId",
            "sandbox-client",
            "clientSecret",
            clientSecret,
            "tokenUrl",
            tokenUrl,
            "scopes",
            List.of(orgUrl + "/.default")));
  }
}
