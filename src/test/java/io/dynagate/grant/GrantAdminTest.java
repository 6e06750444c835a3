package io.dynagate.grant;

import static io.dynagate.support.Admin.admin;
import static io.dynagate.support.Admin.createConnection;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import io.dynagate.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
class GrantAdminTest {

  @BeforeEach
  void setUp() {
    Db.clean();
    createConnection("contoso", "s");
  }

  @Test
  void putCreatesThenReplacesAGrant() {
    admin()
        .body(Map.of("access", "read", "entitySets", List.of("accounts", "contacts", "accounts")))
        .put("/admin/v1/connections/contoso/grants/engine-1")
        .then()
        .statusCode(200)
        .body("connectionId", equalTo("contoso"))
        .body("principal", equalTo("engine-1"))
        .body("access", equalTo("read"))
        .body("entitySets", equalTo(List.of("accounts", "contacts")))
        .body("impersonation", equalTo(false));
    admin()
        .body(Map.of("access", "full", "impersonation", true))
        .put("/admin/v1/connections/contoso/grants/engine-1")
        .then()
        .statusCode(200)
        .body("access", equalTo("full"))
        .body("$", not(hasKey("entitySets")))
        .body("impersonation", equalTo(true));
    admin()
        .get("/admin/v1/connections/contoso/grants")
        .then()
        .statusCode(200)
        .body("$", hasSize(1))
        .body("[0].access", equalTo("full"));
  }

  @Test
  void privilegesAreStoredShownAndReplaced() {
    admin()
        .body(Map.of("access", "write"))
        .put("/admin/v1/connections/contoso/grants/engine-1")
        .then()
        .statusCode(200)
        .body("privileges", equalTo(List.of()));
    admin()
        .body(
            Map.of(
                "access",
                "write",
                "privileges",
                List.of("suppressFlows", "bypassBusinessLogic", "suppressFlows")))
        .put("/admin/v1/connections/contoso/grants/engine-1")
        .then()
        .statusCode(200)
        .body("privileges", equalTo(List.of("bypassBusinessLogic", "suppressFlows")));
    admin()
        .get("/admin/v1/connections/contoso/grants")
        .then()
        .body("[0].privileges", equalTo(List.of("bypassBusinessLogic", "suppressFlows")));
    admin()
        .body(Map.of("access", "write", "privileges", List.of()))
        .put("/admin/v1/connections/contoso/grants/engine-1")
        .then()
        .statusCode(200)
        .body("privileges", equalTo(List.of()));
  }

  @Test
  void unknownPrivilegesAreValidationErrors() {
    admin()
        .body(Map.of("access", "write", "privileges", List.of("bypassBusinessLogic", "admin")))
        .put("/admin/v1/connections/contoso/grants/engine-1")
        .then()
        .statusCode(400)
        .body("code", equalTo("validation_failed"))
        .body("errors[0].field", equalTo("privileges[1]"));
    admin()
        .body("{\"access\":\"write\",\"privileges\":\"bypassBusinessLogic\"}")
        .put("/admin/v1/connections/contoso/grants/engine-1")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("privileges"));
    admin().get("/admin/v1/connections/contoso/grants").then().body("$", hasSize(0));
  }

  @Test
  void principalsMayBeGroupsAndServiceAccounts() {
    for (String principal :
        List.of(
            "group:crm-writers",
            "system:serviceaccount:integration:engine",
            "user@contoso.com",
            "group:/engineering/crm")) {
      admin()
          .body(Map.of("access", "write"))
          .put("/admin/v1/connections/contoso/grants/" + principal)
          .then()
          .statusCode(200)
          .body("principal", equalTo(principal));
    }
    admin()
        .get("/admin/v1/connections/contoso/grants")
        .then()
        .body("principal", hasItem("group:/engineering/crm"))
        .body("$", hasSize(4));
  }

  @Test
  void deleteRemovesTheGrant() {
    admin()
        .body(Map.of("access", "read"))
        .put("/admin/v1/connections/contoso/grants/engine-1")
        .then()
        .statusCode(200);
    admin().delete("/admin/v1/connections/contoso/grants/engine-1").then().statusCode(204);
    admin().get("/admin/v1/connections/contoso/grants").then().body("$", hasSize(0));
    admin()
        .delete("/admin/v1/connections/contoso/grants/engine-1")
        .then()
        .statusCode(404)
        .body("code", equalTo("not_found"));
  }

  @Test
  void grantsOnUnknownConnectionsAre404() {
    admin()
        .body(Map.of("access", "read"))
        .put("/admin/v1/connections/nope/grants/engine-1")
        .then()
        .statusCode(404)
        .body("code", equalTo("connection_not_found"));
    admin()
        .get("/admin/v1/connections/nope/grants")
        .then()
        .statusCode(404)
        .body("code", equalTo("connection_not_found"));
    admin()
        .delete("/admin/v1/connections/nope/grants/engine-1")
        .then()
        .statusCode(404)
        .body("code", equalTo("connection_not_found"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"access\":\"admin\"}",
        "{}",
        "{\"access\":\"read\",\"entitySets\":[]}",
        "{\"access\":\"read\",\"entitySets\":[\"accounts\",\"../x\"]}",
        "{\"access\":\"read\",\"entitySets\":[\"acc ounts\"]}"
      })
  void invalidGrantBodiesAreValidationFailures(String body) {
    admin()
        .body(body)
        .put("/admin/v1/connections/contoso/grants/engine-1")
        .then()
        .statusCode(400)
        .body("code", equalTo("validation_failed"));
  }

  @Test
  void invalidGrantFieldsAreNamed() {
    admin()
        .body("{\"access\":\"read\",\"entitySets\":[\"accounts\",\"bad-name\"],\"x\":1}")
        .put("/admin/v1/connections/contoso/grants/engine-1")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("x"));
    admin()
        .body("{\"access\":\"read\",\"entitySets\":[\"accounts\",\"bad-name\"]}")
        .put("/admin/v1/connections/contoso/grants/engine-1")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("entitySets[1]"));
    admin()
        .body("{\"access\":\"read\",\"impersonation\":\"yes\"}")
        .put("/admin/v1/connections/contoso/grants/engine-1")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("impersonation"));
  }

  @Test
  void invalidPrincipalsAreRejected() {
    admin()
        .body(Map.of("access", "read"))
        .put("/admin/v1/connections/contoso/grants/" + "p".repeat(257))
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("principal"));
    admin()
        .body(Map.of("access", "read"))
        .put("/admin/v1/connections/contoso/grants/a%20b")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("principal"));
  }

  @Test
  void malformedGrantJsonIsBadRequest() {
    admin()
        .body("{\"access\":")
        .put("/admin/v1/connections/contoso/grants/engine-1")
        .then()
        .statusCode(400)
        .body("code", equalTo("bad_request"));
    admin()
        .put("/admin/v1/connections/contoso/grants/engine-1")
        .then()
        .statusCode(400)
        .body("code", equalTo("bad_request"));
  }
}
