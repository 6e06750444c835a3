package io.dynagate.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/** Direct JDBC access to the test database, to arrange state and to read what was stored. */
public final class Db {
  private Db() {}

  public static Connection open() throws SQLException {
    var config = ConfigProvider.getConfig();
    String url = config.getValue("quarkus.datasource.jdbc.url", String.class);
    String user = config.getValue("quarkus.datasource.username", String.class);
    String password =
        config.getOptionalValue("quarkus.datasource.password", String.class).orElse("");
    return DriverManager.getConnection(url, user, password);
  }

  /** Empties the registry tables (the schema stays as Flyway made it). */
  public static void clean() {
    update("truncate table grants, connection_secrets, connections, api_keys");
  }

  public static int update(String sql, Object... args) {
    try (Connection c = open();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every row of a query, each column rendered with {@code getString}. */
  public static List<List<String>> rows(String sql, Object... args) {
    try (Connection c = open();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      List<List<String>> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= n; i++) {
            row.add(rs.getString(i));
          }
          rows.add(row);
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The whole content of every registry table as one string, for "is X stored anywhere?". */
  public static String dumpRegistry() {
    StringBuilder all = new StringBuilder();
    for (String table : List.of("connections", "connection_secrets", "grants", "api_keys")) {
      rows("select * from " + table).forEach(r -> all.append(table).append(r).append('\n'));
    }
    return all.toString();
  }
}
