package io.dynagate.apikey;

import static io.dynagate.support.Admin.admin;
import static io.dynagate.support.Admin.as;
import static io.dynagate.support.Admin.createKey;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.dynagate.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
class ApiKeyAdminTest {

  @BeforeEach
  void clean() {
    Db.clean();
  }

  @Test
  void createShowsTheKeyOnceAndStoresOnlyItsHash() {
    String key =
        admin()
            .body(Map.of("principal", "engine-1", "roles", List.of("caller")))
            .post("/admin/v1/api-keys")
            .then()
            .statusCode(201)
            .header("Location", notNullValue())
            .header("Cache-Control", "no-store")
            .body("id", notNullValue())
            .body("principal", equalTo("engine-1"))
            .body("roles", equalTo(List.of("caller")))
            .body("key", matchesPattern("^dgk_[A-Za-z0-9_-]{43}$"))
            .extract()
            .path("key");
    admin()
        .get("/admin/v1/api-keys")
        .then()
        .statusCode(200)
        .body("principal", hasItem("engine-1"))
        .body("[0]", not(hasKey("key")))
        .body("[0]", not(hasKey("keyHash")));
    String dump = Db.dumpRegistry();
    assertFalse(dump.contains(key), "the key itself must not be stored");
    assertFalse(dump.contains(key.substring(4)), "no part of the key may be stored");
    assertEquals(List.of(List.of(ApiKeys.hashHex(key))), Db.rows("select key_hash from api_keys"));
  }

  @Test
  void rolesDefaultToCaller() {
    admin()
        .body(Map.of("principal", "engine-2"))
        .post("/admin/v1/api-keys")
        .then()
        .statusCode(201)
        .body("roles", equalTo(List.of("caller")));
  }

  @Test
  void adminKeyCanUseTheAdminApiAndCallerKeyCannot() {
    String adminKey = createKey("ops", "admin");
    String callerKey = createKey("engine-1", "caller");
    as(adminKey).get("/admin/v1/connections").then().statusCode(200);
    as(callerKey)
        .get("/admin/v1/connections")
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .header("X-Dynagate-Error", "forbidden")
        .body("code", equalTo("forbidden"));
    as(callerKey)
        .body(Map.of("principal", "escalate", "roles", List.of("admin")))
        .post("/admin/v1/api-keys")
        .then()
        .statusCode(403);
  }

  @Test
  void missingKeyIs401() {
    given()
        .get("/admin/v1/connections")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .header("X-Dynagate-Error", "unauthenticated")
        .body("code", equalTo("unauthenticated"))
        .body("requestId", notNullValue());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dgk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "not-a-key",
        "test-admin-key-x",
        "TEST-ADMIN-KEY",
        "dgk_"
      })
  void invalidKeysAre401(String key) {
    as(key)
        .get("/admin/v1/connections")
        .then()
        .statusCode(401)
        .body("code", equalTo("unauthenticated"));
  }

  @Test
  void aKeyGivenTwiceIs401() {
    given()
        .header("X-Api-Key", io.dynagate.support.Admin.KEY)
        .header("X-Api-Key", io.dynagate.support.Admin.KEY)
        .get("/admin/v1/connections")
        .then()
        .statusCode(401);
  }

  @Test
  void revokedKeyStopsWorking() {
    String adminKey = createKey("ops", "admin");
    String id =
        admin()
            .get("/admin/v1/api-keys")
            .then()
            .extract()
            .jsonPath()
            .getString("find { it.principal == 'ops' }.id");
    as(adminKey).get("/admin/v1/connections").then().statusCode(200);
    admin().delete("/admin/v1/api-keys/" + id).then().statusCode(204);
    as(adminKey).get("/admin/v1/connections").then().statusCode(401);
    admin()
        .get("/admin/v1/api-keys")
        .then()
        .body("find { it.id == '" + id + "' }.revokedAt", notNullValue());
    admin().delete("/admin/v1/api-keys/" + id).then().statusCode(204);
    admin()
        .delete("/admin/v1/api-keys/no-such-key")
        .then()
        .statusCode(404)
        .body("code", equalTo("not_found"));
  }

  @Test
  void keysCannotPoseAsGroups() {
    admin()
        .body(Map.of("principal", "group:admins"))
        .post("/admin/v1/api-keys")
        .then()
        .statusCode(400)
        .body("code", equalTo("validation_failed"))
        .body("errors[0].field", equalTo("principal"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "{\"principal\":\"\"}",
        "{\"principal\":\"a b\"}",
        "{\"principal\":\"e\",\"roles\":[]}",
        "{\"principal\":\"e\",\"roles\":[\"root\"]}",
        "{\"principal\":\"e\",\"key\":\"dgk_chosen\"}"
      })
  void invalidKeyRequestsAreRejected(String body) {
    admin()
        .body(body)
        .post("/admin/v1/api-keys")
        .then()
        .statusCode(400)
        .body("code", equalTo("validation_failed"))
        .body("errors.field", everyItem(notNullValue()));
  }

  @Test
  void malformedKeyRequestIsBadRequest() {
    admin()
        .body("{principal: engine}")
        .post("/admin/v1/api-keys")
        .then()
        .statusCode(400)
        .body("code", equalTo("bad_request"));
  }
}
