package io.dynagate.access;

import static io.dynagate.support.Admin.as;
import static io.dynagate.support.Admin.createConnection;
import static io.dynagate.support.Admin.createKey;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.dynagate.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every admin endpoint refuses anonymous callers (401), bad keys (401), bearer tokens when no
 * issuer is configured (401) and callers (403).
 */
@QuarkusTest
class AdminAccessControlTest {
  private static final String BODY = "{\"access\":\"full\"}";

  static Stream<Arguments> adminEndpoints() {
    return Stream.of(
        Arguments.of("POST", "/admin/v1/connections"),
        Arguments.of("GET", "/admin/v1/connections"),
        Arguments.of("GET", "/admin/v1/connections/target"),
        Arguments.of("PATCH", "/admin/v1/connections/target"),
        Arguments.of("DELETE", "/admin/v1/connections/target"),
        Arguments.of("GET", "/admin/v1/connections/target/status"),
        Arguments.of("PUT", "/admin/v1/connections/target/grants/intruder"),
        Arguments.of("GET", "/admin/v1/connections/target/grants"),
        Arguments.of("DELETE", "/admin/v1/connections/target/grants/someone"),
        Arguments.of("POST", "/admin/v1/api-keys"),
        Arguments.of("GET", "/admin/v1/api-keys"),
        Arguments.of("DELETE", "/admin/v1/api-keys/some-id"),
        Arguments.of("GET", "/admin/v1/encryption-keys"),
        Arguments.of("POST", "/admin/v1/encryption-keys/rotate"));
  }

  private String callerKey;

  @BeforeEach
  void setUp() {
    Db.clean();
    createConnection("target", "s");
    callerKey = createKey("engine-1", "caller");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("adminEndpoints")
  void anonymousCallerIs401(String method, String path) {
    send(given().contentType(ContentType.JSON).body(BODY), method, path)
        .then()
        .statusCode(401)
        .header("X-Dynagate-Error", "unauthenticated");
    assertNothingChanged();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("adminEndpoints")
  void unknownKeyIs401(String method, String path) {
    send(as("dgk_" + "A".repeat(43)).body(BODY), method, path).then().statusCode(401);
    assertNothingChanged();
  }

  /** This profile configures no JWT issuer: every bearer token is refused, however it looks. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("adminEndpoints")
  void bearerTokenWithoutAConfiguredIssuerIs401(String method, String path) {
    String header = b64("{\"alg\":\"none\"}");
    String claims = b64("{\"sub\":\"bootstrap-admin\",\"groups\":[\"admin\"]}");
    send(
            given()
                .header("Authorization", "Bearer " + header + "." + claims + ".")
                .contentType(ContentType.JSON)
                .body(BODY),
            method,
            path)
        .then()
        .statusCode(401)
        .header("X-Dynagate-Error", "unauthenticated");
    assertNothingChanged();
  }

  private static String b64(String s) {
    return java.util.Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("adminEndpoints")
  void callerKeyIs403(String method, String path) {
    send(as(callerKey).body(BODY), method, path)
        .then()
        .statusCode(403)
        .header("X-Dynagate-Error", "forbidden")
        .body("code", equalTo("forbidden"));
    assertNothingChanged();
  }

  private static io.restassured.response.Response send(
      RequestSpecification spec, String method, String path) {
    return spec.request(method, path);
  }

  private static void assertNothingChanged() {
    org.junit.jupiter.api.Assertions.assertEquals(
        "1|0|1",
        Db.rows(
                "select (select count(*) from connections), (select count(*) from grants),"
                    + " (select count(*) from api_keys where revoked_at is null)")
            .get(0)
            .stream()
            .reduce((a, b) -> a + "|" + b)
            .orElseThrow());
  }
}
