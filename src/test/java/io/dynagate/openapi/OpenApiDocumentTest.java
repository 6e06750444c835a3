package io.dynagate.openapi;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The admin API's OpenAPI document as the running gateway serves it equals the checked-in copy
 * {@code deploy/openapi/admin-v1.json}: a change of an admin endpoint, its parameters or its
 * schemas fails this test until the copy is updated, so the contract change shows in the diff.
 * Update with {@code ./mvnw test -Dtest=OpenApiDocumentTest -Dopenapi.write=true}.
 */
@QuarkusTest
class OpenApiDocumentTest {
  static final Path CHECKED_IN = Path.of("deploy/openapi/admin-v1.json");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @TestHTTPResource(value = "/openapi", management = true)
  URL openapi;

  @Test
  void theServedDocumentIsTheCheckedInOne() throws Exception {
    String served =
        given()
            .queryParam("format", "json")
            .get(openapi)
            .then()
            .statusCode(200)
            .extract()
            .asString();
    JsonNode actual = JSON.readTree(served);
    String pretty = JSON.writeValueAsString(actual) + "\n";
    if (Boolean.getBoolean("openapi.write")) {
      Files.createDirectories(CHECKED_IN.getParent());
      Files.writeString(CHECKED_IN, pretty, StandardCharsets.UTF_8);
    }
    assertTrue(
        Files.exists(CHECKED_IN), CHECKED_IN + " is missing; write it with -Dopenapi.write=true");
    JsonNode expected = JSON.readTree(Files.readString(CHECKED_IN, StandardCharsets.UTF_8));
    if (!expected.equals(actual)) {
      Path seen = Path.of("target/openapi-served.json");
      Files.createDirectories(seen.getParent());
      Files.writeString(seen, pretty, StandardCharsets.UTF_8);
      assertEquals(
          JSON.writeValueAsString(expected),
          JSON.writeValueAsString(actual),
          "the admin API changed: compare "
              + CHECKED_IN
              + " with "
              + seen
              + " and update the copy (-Dopenapi.write=true) if the change is meant");
    }
  }

  @Test
  void everyAdminOperationIsInTheDocumentAndNothingOfTheProxyOrTheSandbox() throws Exception {
    JsonNode doc =
        JSON.readTree(
            given().queryParam("format", "json").get(openapi).then().extract().asString());
    JsonNode paths = doc.get("paths");
    for (String p :
        new String[] {
          "/admin/v1/connections",
          "/admin/v1/connections/{id}",
          "/admin/v1/connections/{id}/grants",
          "/admin/v1/api-keys",
          "/admin/v1/api-keys/{id}",
          "/admin/v1/encryption-keys"
        }) {
      assertTrue(paths.has(p), "missing " + p + " in " + paths.fieldNames());
    }
    paths
        .fieldNames()
        .forEachRemaining(
            p ->
                assertTrue(
                    !p.startsWith("/proxy") && !p.startsWith("/_sandbox"),
                    "not an admin path: " + p));
    assertEquals(
        "X-Api-Key", doc.at("/components/securitySchemes/apiKey/name").asText(), doc.toString());
  }
}
