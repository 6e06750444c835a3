package io.dynagate.provisioning;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynagate.support.Admin;
import io.dynagate.support.RawHttp;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sidecar set-up: {@code dynagate.admin.enabled=false} and the registry from the provisioning
 * file. Every admin path and the OAuth callback answer exactly as an unknown path does, whatever
 * credential is sent; the proxy still works; the OpenAPI document is the same.
 */
@QuarkusTest
@TestProfile(AdminDisabledTest.Profile.class)
class AdminDisabledTest {
  /** The provisioned sandbox with the admin API off. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("dynagate.admin.enabled", "false");
    }

    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(ProvisionedSandbox.class));
    }
  }

  @Inject RedisDataSource redis;

  @TestHTTPResource(value = "/openapi", management = true)
  URL openapi;

  @TestHTTPResource("/")
  URL root;

  @BeforeEach
  void noTokenOfAnEarlierRun() {
    redis.execute("FLUSHDB");
  }

  @Test
  void everyAdminPathAnswersLikeAnUnknownPathEvenWithTheAdminKey() {
    Response unknown = Admin.admin().get("/no-such-path").andReturn();
    assertEquals(404, unknown.statusCode());
    assertEquals("not_found", unknown.header("X-Dynagate-Error"));

    for (String path :
        List.of(
            "/admin/v1/connections",
            "/admin/v1",
            "/admin/v1/",
            "/admin/v1/api-keys",
            "/admin/v1/connections/" + ProvisionedSandbox.CC + "/status",
            "/admin/./v1/connections",
            "/admin/%76%31/connections",
            "//admin/v1/connections",
            "/admin/v1;x=y/connections",
            "/oauth2/callback?code=c&state=s")) {
      Response r = Admin.admin().get(path).andReturn();
      assertEquals(404, r.statusCode(), path + ": " + r.asString());
      assertEquals("not_found", r.header("X-Dynagate-Error"), path);
      assertEquals(unknown.jsonPath().getString("title"), r.jsonPath().getString("title"), path);
      assertEquals(unknown.jsonPath().getString("detail"), r.jsonPath().getString("detail"), path);
    }
    // writes too, and without a credential (no 401 that would tell the path exists)
    Admin.admin()
        .body(Map.of("principal", "x"))
        .post("/admin/v1/api-keys")
        .then()
        .statusCode(404)
        .header("X-Dynagate-Error", "not_found");
    given().delete("/admin/v1/connections/" + ProvisionedSandbox.CC).then().statusCode(404);
  }

  @Test
  void aRawRequestWithDotSegmentsIsRefusedToo() throws Exception {
    // RestAssured normalises paths; this one goes to the wire as written
    for (String target :
        List.of("/x/../admin/v1/connections", "/admin//v1/connections", "/admin/v1/%2e/api-keys")) {
      RawHttp.Answer a = RawHttp.send(root.getPort(), "GET", target, "X-Api-Key: " + Admin.KEY);
      assertEquals(404, a.status(), target + ": " + a.text());
      assertTrue(a.text().contains("X-Dynagate-Error: not_found"), target + ": " + a.text());
    }
  }

  @Test
  void theProxyServesTheProvisionedConnection() {
    Admin.as(ProvisionedSandbox.current().engineKey())
        .get("/proxy/" + ProvisionedSandbox.CC + "/api/data/v9.2/WhoAmI")
        .then()
        .statusCode(200)
        .body("UserId", notNullValue());
    // the bootstrap admin key is still a caller, but has no grant here
    Admin.admin()
        .get("/proxy/" + ProvisionedSandbox.CC + "/api/data/v9.2/WhoAmI")
        .then()
        .statusCode(404)
        .header("X-Dynagate-Error", equalTo("connection_not_found"));
  }

  @Test
  void theOpenApiDocumentIsTheCheckedInOne() throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode served =
        json.readTree(
            given()
                .queryParam("format", "json")
                .get(openapi)
                .then()
                .statusCode(200)
                .extract()
                .asString());
    JsonNode checkedIn =
        json.readTree(
            Files.readString(Path.of("deploy/openapi/admin-v1.json"), StandardCharsets.UTF_8));
    assertEquals(checkedIn, served);
  }
}
