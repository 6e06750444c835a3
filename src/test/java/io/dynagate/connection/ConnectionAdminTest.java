package io.dynagate.connection;

import static io.dynagate.support.Admin.admin;
import static io.dynagate.support.Admin.clientCredentials;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.dynagate.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ConnectionAdminTest {

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
}
