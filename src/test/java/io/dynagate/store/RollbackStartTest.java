package io.dynagate.store;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Rolling back one release (README "Upgrades and migrations"): this build starts on a database that
 * a newer release has already migrated further. Without {@code
 * quarkus.flyway.ignore-migration-patterns=*:future} Flyway's validation refuses the start
 * ("Migrations have failed validation"), so an older replica could not come back during a rollout
 * or a rollback.
 */
@QuarkusTest
@TestProfile(RollbackStartTest.Profile.class)
class RollbackStartTest {
  static final String FUTURE_VERSION = "9999";

  @TestHTTPResource(value = "/health/ready", management = true)
  URL ready;

  @Test
  void startsOnASchemaMigratedByANewerRelease() throws Exception {
    given().get(ready).then().statusCode(200);
    try (Connection c = FutureMigration.open();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select count(*) from flyway_schema_history where version = '"
                    + FUTURE_VERSION
                    + "'")) {
      rs.next();
      assertEquals(1, rs.getInt(1), "the newer release's migration is still recorded");
    }
  }

  public static class Profile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(FutureMigration.class));
    }
  }

  /**
   * Before the boot: the schema migrated as far as this build knows, plus the record of a migration
   * only a newer release has; removed again after the test.
   */
  public static class FutureMigration implements QuarkusTestResourceLifecycleManager {
    static Connection open() throws Exception {
      return DriverManager.getConnection(url(), "postgres", "");
    }

    private static String url() {
      String env = System.getenv("_TEST_QUARKUS_DATASOURCE_JDBC_URL");
      return env != null ? env : "jdbc:postgresql://localhost:5432/dynagate_test";
    }

    @Override
    public Map<String, String> start() {
      Flyway.configure()
          .dataSource(url(), "postgres", "")
          .locations("classpath:db/migration")
          .load()
          .migrate();
      try (Connection c = open();
          Statement s = c.createStatement()) {
        s.executeUpdate(
            "delete from flyway_schema_history where version = '" + FUTURE_VERSION + "'");
        s.executeUpdate(
            "insert into flyway_schema_history (installed_rank, version, description, type,"
                + " script, checksum, installed_by, execution_time, success) values ("
                + "(select max(installed_rank) + 1 from flyway_schema_history), '"
                + FUTURE_VERSION
                + "', 'from a newer release', 'SQL', 'V"
                + FUTURE_VERSION
                + "__from_a_newer_release.sql', 1, 'postgres', 1, true)");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return Map.of();
    }

    @Override
    public void stop() {
      try (Connection c = open();
          Statement s = c.createStatement()) {
        s.executeUpdate(
            "delete from flyway_schema_history where version = '" + FUTURE_VERSION + "'");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
