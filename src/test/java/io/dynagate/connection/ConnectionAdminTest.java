package io.dynagate.connection;

import static io.dynagate.support.Admin.admin;
import static io.dynagate.support.Admin.clientCredentials;
import static io.dynagate.support.Admin.createConnection;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.dynagate.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
class ConnectionAdminTest {
  private static final String PROBLEM = "application/problem+json";

  @BeforeEach
  void clean() {
    Db.clean();
  }

  @Test
  void createReturns201WithLocationAndHidesTheSecret() {
    admin()
        .body(clientCredentials("contoso", "s3cr3t-value"))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201)
        .header("Location", containsString("/admin/v1/connections/contoso"))
        .header("X-Request-Id", notNullValue())
        .body("id", equalTo("contoso"))
        .body("orgUrl", equalTo("https://contoso.crm4.dynamics.com"))
        .body("auth.type", equalTo("client_credentials"))
        .body("auth.hasClientSecret", equalTo(true))
        .body("auth", not(hasKey("clientSecret")))
        .body("auth.scopes", equalTo(List.of("https://contoso.crm4.dynamics.com/.default")))
        .body(
            "auth.tokenUrl",
            equalTo(
                "https://login.microsoftonline.com/00000000-0000-0000-0000-0000000000aa"
                    + "/oauth2/v2.0/token"))
        .body(not(containsString("s3cr3t-value")));
  }

  @Test
  void createWithoutIdGeneratesOne() {
    Map<String, Object> body = new HashMap<>(clientCredentials("ignored", "s"));
    body.remove("id");
    String id =
        admin()
            .body(body)
            .post("/admin/v1/connections")
            .then()
            .statusCode(201)
            .body("id", matchesPattern("^[a-z0-9][a-z0-9-]{0,62}$"))
            .extract()
            .path("id");
    admin().get("/admin/v1/connections/" + id).then().statusCode(200).body("id", equalTo(id));
  }

  @Test
  void duplicateIdIsConflict() {
    createConnection("dup", "one");
    admin()
        .body(clientCredentials("dup", "two"))
        .post("/admin/v1/connections")
        .then()
        .statusCode(409)
        .contentType(PROBLEM)
        .header("X-Dynagate-Error", "conflict")
        .body("code", equalTo("conflict"))
        .body("type", equalTo("urn:dynagate:problem:conflict"))
        .body("status", equalTo(409))
        .body("requestId", notNullValue());
  }

  @Test
  void listGetAndDelete() {
    createConnection("alpha", "a");
    createConnection("beta", "b");
    admin()
        .get("/admin/v1/connections")
        .then()
        .statusCode(200)
        .body("id", equalTo(List.of("alpha", "beta")))
        .body("auth.hasClientSecret", equalTo(List.of(true, true)));
    admin().get("/admin/v1/connections/alpha").then().statusCode(200).body("id", equalTo("alpha"));
    admin().delete("/admin/v1/connections/alpha").then().statusCode(204);
    admin()
        .get("/admin/v1/connections/alpha")
        .then()
        .statusCode(404)
        .header("X-Dynagate-Error", "connection_not_found");
    admin().delete("/admin/v1/connections/alpha").then().statusCode(404);
  }

  @Test
  void deleteRemovesSecretsAndGrants() {
    createConnection("gone", "secret-gone");
    admin()
        .body(Map.of("access", "read"))
        .put("/admin/v1/connections/gone/grants/engine-1")
        .then()
        .statusCode(200);
    admin().delete("/admin/v1/connections/gone").then().statusCode(204);
    org.junit.jupiter.api.Assertions.assertEquals(
        List.of(List.of("0")),
        Db.rows("select count(*) from connection_secrets where connection_id = 'gone'"));
    org.junit.jupiter.api.Assertions.assertEquals(
        List.of(List.of("0")), Db.rows("select count(*) from grants where connection_id = 'gone'"));
  }

  @Test
  void statusShowsStateOnly() {
    createConnection("ready-one", "x");
    admin()
        .get("/admin/v1/connections/ready-one/status")
        .then()
        .statusCode(200)
        .body("state", equalTo("ready"))
        .body(not(containsString("x\"")));
  }

  @Test
  void authorizationCodeConnectionNeedsConsentAndGetsDefaults() {
    admin()
        .body(
            Map.of(
                "id",
                "delegated",
                "orgUrl",
                "https://delegated.crm.dynamics.com/",
                "auth",
                Map.of(
                    "type",
                    "authorization_code",
                    "tenantId",
                    "contoso.onmicrosoft.com",
                    "clientId",
                    "app-1")))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201)
        .body("orgUrl", equalTo("https://delegated.crm.dynamics.com"))
        .body("auth.hasClientSecret", equalTo(false))
        .body(
            "auth.scopes",
            equalTo(
                List.of("https://delegated.crm.dynamics.com/user_impersonation", "offline_access")))
        .body(
            "auth.authorizeUrl",
            equalTo(
                "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize"));
    admin()
        .get("/admin/v1/connections/delegated/status")
        .then()
        .statusCode(200)
        .body("state", equalTo("authorization_required"));
  }

  @Test
  void staticTokenConnectionShowsExpiryButNeverTheToken() {
    admin()
        .body(
            Map.of(
                "id",
                "byot",
                "orgUrl",
                "https://byot.crm.dynamics.com",
                "auth",
                Map.of(
                    "type",
                    "static_token",
                    "accessToken",
                    "eyJ-static-token-value",
                    "expiresAt",
                    "2099-01-01T00:00:00Z")))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201)
        .body("auth.hasAccessToken", equalTo(true))
        .body("auth.expiresAt", equalTo("2099-01-01T00:00:00Z"))
        .body(not(containsString("eyJ-static-token-value")));
    admin()
        .get("/admin/v1/connections/byot/status")
        .then()
        .body("state", equalTo("ready"))
        .body("tokenExpiresAt", equalTo("2099-01-01T00:00:00Z"));
  }

  @Test
  void expiredStaticTokenNeedsAuthorization() {
    admin()
        .body(
            Map.of(
                "id",
                "stale",
                "orgUrl",
                "https://stale.crm.dynamics.com",
                "auth",
                Map.of(
                    "type",
                    "static_token",
                    "accessToken",
                    "t",
                    "expiresAt",
                    "2001-01-01T00:00:00Z")))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
    admin()
        .get("/admin/v1/connections/stale/status")
        .then()
        .body("state", equalTo("authorization_required"));
  }

  @Test
  void patchMergesAndKeepsTheStoredSecret() {
    createConnection("patchme", "keep-me");
    admin()
        .contentType("application/merge-patch+json")
        .body(Map.of("displayName", "Renamed", "auth", Map.of("scopes", List.of("a/.default"))))
        .patch("/admin/v1/connections/patchme")
        .then()
        .statusCode(200)
        .body("displayName", equalTo("Renamed"))
        .body("auth.scopes", equalTo(List.of("a/.default")))
        .body("auth.clientId", equalTo("11111111-2222-3333-4444-555555555555"))
        .body("auth.hasClientSecret", equalTo(true));
    String before =
        Db.rows("select ciphertext from connection_secrets where connection_id='patchme'")
            .get(0)
            .get(0);
    admin()
        .body(Map.of("auth", Map.of("clientSecret", "new-secret")))
        .patch("/admin/v1/connections/patchme")
        .then()
        .statusCode(200)
        .body(not(containsString("new-secret")));
    List<List<String>> after =
        Db.rows("select ciphertext, version from connection_secrets where connection_id='patchme'");
    org.junit.jupiter.api.Assertions.assertNotEquals(before, after.get(0).get(0));
    org.junit.jupiter.api.Assertions.assertEquals("1", after.get(0).get(1));
  }

  @Test
  void patchNullRemovesOptionalFieldsAndRefusesRequiredOnes() {
    createConnection("nulls", "s");
    admin()
        .body("{\"displayName\":null}")
        .patch("/admin/v1/connections/nulls")
        .then()
        .statusCode(200)
        .body("$", not(hasKey("displayName")));
    admin()
        .body("{\"auth\":{\"clientSecret\":null}}")
        .patch("/admin/v1/connections/nulls")
        .then()
        .statusCode(400)
        .body("code", equalTo("validation_failed"))
        .body("errors.field", hasItem("auth.clientSecret"));
    admin()
        .body("{\"orgUrl\":null}")
        .patch("/admin/v1/connections/nulls")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("orgUrl"));
    // nothing changed by the refused patches
    admin().get("/admin/v1/connections/nulls").then().body("auth.hasClientSecret", equalTo(true));
  }

  @Test
  void patchToAnotherAuthTypeReplacesTheAuthBlockAndDropsOldSecrets() {
    createConnection("switch", "old-client-secret");
    admin()
        .body(Map.of("auth", Map.of("type", "static_token", "accessToken", "tok")))
        .patch("/admin/v1/connections/switch")
        .then()
        .statusCode(200)
        .body("auth.type", equalTo("static_token"))
        .body("auth.hasAccessToken", equalTo(true))
        .body("auth", not(hasKey("clientId")));
    org.junit.jupiter.api.Assertions.assertEquals(
        List.of(List.of("static_token")),
        Db.rows("select field from connection_secrets where connection_id='switch'"));
  }

  @Test
  void patchCannotChangeTheId() {
    createConnection("fixed", "s");
    admin()
        .body(Map.of("id", "other"))
        .patch("/admin/v1/connections/fixed")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("id"));
  }

  @Test
  void patchOfUnknownConnectionIs404() {
    admin()
        .body(Map.of("displayName", "x"))
        .patch("/admin/v1/connections/nope")
        .then()
        .statusCode(404)
        .body("code", equalTo("connection_not_found"));
  }

  @Test
  void malformedJsonIsBadRequest() {
    admin()
        .body("{\"id\": \"x\", ")
        .post("/admin/v1/connections")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .header("X-Dynagate-Error", "bad_request")
        .body("code", equalTo("bad_request"))
        .body(not(containsString("Exception")))
        .body(not(containsString("jackson")));
  }

  @Test
  void trailingGarbageAndDuplicateKeysAreBadRequests() {
    admin()
        .body("{\"id\":\"x\"} {\"id\":\"y\"}")
        .post("/admin/v1/connections")
        .then()
        .statusCode(400);
    admin()
        .body("{\"id\":\"x\",\"id\":\"y\"}")
        .post("/admin/v1/connections")
        .then()
        .statusCode(400)
        .body("code", equalTo("bad_request"));
  }

  @Test
  void emptyBodyAndNonObjectBodyAreBadRequests() {
    admin()
        .post("/admin/v1/connections")
        .then()
        .statusCode(400)
        .body("code", equalTo("bad_request"));
    admin()
        .body("[1,2]")
        .post("/admin/v1/connections")
        .then()
        .statusCode(400)
        .body("code", equalTo("bad_request"));
    admin().body("\"text\"").patch("/admin/v1/connections/x").then().statusCode(400);
  }

  @Test
  void unknownFieldsAreNamed() {
    Map<String, Object> body = new HashMap<>(clientCredentials("unk", "s"));
    body.put("colour", "blue");
    admin()
        .body(body)
        .post("/admin/v1/connections")
        .then()
        .statusCode(400)
        .body("code", equalTo("validation_failed"))
        .body("errors[0].field", equalTo("colour"))
        .body("errors[0].message", equalTo("unknown field"));
    admin()
        .body(
            "{\"id\":\"unk\",\"orgUrl\":\"https://unk.crm.dynamics.com\",\"auth\":"
                + "{\"type\":\"client_credentials\",\"password\":\"x\"}}")
        .post("/admin/v1/connections")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("auth.password"));
  }

  @Test
  void wrongTypesAreNamed() {
    admin()
        .body(
            "{\"id\":\"wt\",\"orgUrl\":\"https://wt.crm.dynamics.com\",\"auth\":"
                + "{\"type\":\"static_token\",\"accessToken\":\"t\",\"expiresAt\":\"tomorrow\"}}")
        .post("/admin/v1/connections")
        .then()
        .statusCode(400)
        .body("code", equalTo("validation_failed"))
        .body("errors[0].field", equalTo("auth.expiresAt"));
    admin()
        .body("{\"id\":\"wt\",\"orgUrl\":{\"a\":1}}")
        .post("/admin/v1/connections")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("orgUrl"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Contoso", "-lead", "under_score", "dot.ted", "a b", ""})
  void invalidIdsAreRejected(String id) {
    admin()
        .body(clientCredentials(id, "s"))
        .post("/admin/v1/connections")
        .then()
        .statusCode(400)
        .body("code", equalTo("validation_failed"))
        .body("errors.field", hasItem("id"));
  }

  @Test
  void overlongIdIsRejected() {
    admin()
        .body(clientCredentials("a".repeat(64), "s"))
        .post("/admin/v1/connections")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("id"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://evil.example.org",
        "https://dynamics.com",
        "https://contoso.dynamics.com.evil.org",
        "https://user:pw@contoso.crm.dynamics.com",
        "https://contoso.crm.dynamics.com@evil.example.org",
        "https://contoso.crm.dynamics.com/api/data",
        "https://contoso.crm.dynamics.com?x=1",
        "ftp://contoso.crm.dynamics.com",
        "contoso.crm.dynamics.com",
        "//contoso.crm.dynamics.com"
      })
  void disallowedOrgUrlsAreRejected(String orgUrl) {
    Map<String, Object> body = new HashMap<>(clientCredentials("host", "s"));
    body.put("orgUrl", orgUrl);
    admin()
        .body(body)
        .post("/admin/v1/connections")
        .then()
        .statusCode(400)
        .body("code", equalTo("validation_failed"))
        .body("errors.field", hasItem("orgUrl"));
  }

  @Test
  void disallowedIdentityHostsAreRejected() {
    Map<String, Object> body = new HashMap<>(clientCredentials("idp", "s"));
    body.put(
        "auth",
        Map.of(
            "type", "authorization_code",
            "clientId", "app",
            "tokenUrl", "https://evil.example.org/token",
            "authorizeUrl", "https://login.evil.example.org/authorize"));
    admin()
        .body(body)
        .post("/admin/v1/connections")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("auth.tokenUrl"))
        .body("errors.field", hasItem("auth.authorizeUrl"));
  }

  @Test
  void missingRequiredFieldsAreAllReported() {
    admin()
        .body(Map.of("id", "empty", "auth", Map.of("type", "client_credentials")))
        .post("/admin/v1/connections")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("orgUrl"))
        .body("errors.field", hasItem("auth.clientId"))
        .body("errors.field", hasItem("auth.clientSecret"))
        .body("errors.field", hasItem("auth.tenantId"));
    admin()
        .body(Map.of("id", "noauth", "orgUrl", "https://a.crm.dynamics.com"))
        .post("/admin/v1/connections")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("auth"));
    admin()
        .body(
            Map.of(
                "id",
                "badtype",
                "orgUrl",
                "https://a.crm.dynamics.com",
                "auth",
                Map.of("type", "basic")))
        .post("/admin/v1/connections")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("auth.type"));
  }

  @Test
  void unknownAndInvalidIdsAnswer404() {
    admin().get("/admin/v1/connections/nope").then().statusCode(404);
    admin().get("/admin/v1/connections/NOT_VALID").then().statusCode(404);
    admin().get("/admin/v1/connections/nope/status").then().statusCode(404);
    admin().delete("/admin/v1/connections/..%2f..%2fapi-keys").then().statusCode(404);
  }

  @Test
  void wrongMediaTypeIsAProblemNotA500() {
    given()
        .header("X-Api-Key", io.dynagate.support.Admin.KEY)
        .contentType(ContentType.TEXT)
        .body("id=x")
        .post("/admin/v1/connections")
        .then()
        .statusCode(415)
        .contentType(PROBLEM)
        .body("code", equalTo("unsupported_media_type"));
  }

  @Test
  void wrongMethodIsAProblem() {
    admin()
        .put("/admin/v1/connections")
        .then()
        .statusCode(405)
        .contentType(PROBLEM)
        .body("code", equalTo("method_not_allowed"));
  }

  @Test
  void nullIsNotAValidTokenExpiryButAbsentIs() {
    admin()
        .body(
            "{\"id\":\"nx\",\"orgUrl\":\"https://nx.crm.dynamics.com\",\"auth\":"
                + "{\"type\":\"static_token\",\"accessToken\":\"t\",\"expiresAt\":null}}")
        .post("/admin/v1/connections")
        .then()
        .statusCode(201)
        .body("auth.expiresAt", nullValue());
  }
}
