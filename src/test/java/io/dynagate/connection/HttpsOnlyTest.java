package io.dynagate.connection;

import static io.dynagate.support.Admin.admin;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.dynagate.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With the production default {@code DYNAGATE_ALLOW_INSECURE_HTTP=false}, http URLs are refused.
 */
@QuarkusTest
@TestProfile(HttpsOnlyTest.HttpsOnly.class)
class HttpsOnlyTest {

  /** The production setting. */
  public static class HttpsOnly implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("dynagate.allow-insecure-http", "false");
    }
  }

  @BeforeEach
  void clean() {
    Db.clean();
  }

  @Test
  void httpOrgUrlIsRefused() {
    admin()
        .body(
            Map.of(
                "id", "plain",
                "orgUrl", "http://plain.crm.dynamics.com",
                "auth", Map.of("type", "static_token", "accessToken", "t")))
        .post("/admin/v1/connections")
        .then()
        .statusCode(400)
        .body("code", equalTo("validation_failed"))
        .body("errors.field", hasItem("orgUrl"))
        .body("errors.message", hasItem("must use https"));
  }

  @Test
  void httpIdentityUrlsAreRefused() {
    admin()
        .body(
            Map.of(
                "id",
                "plain-idp",
                "orgUrl",
                "https://plain.crm.dynamics.com",
                "auth",
                Map.of(
                    "type", "authorization_code",
                    "clientId", "app",
                    "tokenUrl", "http://login.microsoftonline.com/t/oauth2/v2.0/token",
                    "authorizeUrl", "http://login.microsoftonline.com/t/oauth2/v2.0/authorize")))
        .post("/admin/v1/connections")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("auth.tokenUrl"))
        .body("errors.field", hasItem("auth.authorizeUrl"));
  }

  @Test
  void httpsIsAccepted() {
    admin()
        .body(
            Map.of(
                "id", "secure",
                "orgUrl", "https://secure.crm.dynamics.com",
                "auth", Map.of("type", "static_token", "accessToken", "t")))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
  }

  @Test
  void patchingToHttpIsRefused() {
    httpsIsAccepted();
    admin()
        .body(Map.of("orgUrl", "http://secure.crm.dynamics.com"))
        .patch("/admin/v1/connections/secure")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("orgUrl"));
  }
}
