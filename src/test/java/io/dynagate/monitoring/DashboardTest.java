package io.dynagate.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard {@code deploy/monitoring/grafana/dynagate-dashboard.json} is a well-formed
 * dashboard whose every query is valid PromQL: each panel's expressions, with the dashboard's
 * variables filled in, go through {@code promtool check rules} as recording rules.
 */
class DashboardTest {
  static final Path DASHBOARD = Path.of("deploy/monitoring/grafana/dynagate-dashboard.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void isAWellFormedDashboard() throws Exception {
    JsonNode d = JSON.readTree(Files.readString(DASHBOARD));
    assertEquals("dynagate-overview", d.path("uid").asText());
    assertFalse(d.path("title").asText().isBlank());
    assertTrue(d.path("schemaVersion").asInt() >= 36, "schemaVersion");
    JsonNode datasource = d.path("templating").path("list").get(0);
    assertEquals("datasource", datasource.path("type").asText());
    assertEquals("prometheus", datasource.path("query").asText());
    Set<Integer> ids = new HashSet<>();
    int queried = 0;
    for (JsonNode panel : d.path("panels")) {
      assertTrue(ids.add(panel.path("id").asInt()), "panel ids are unique: " + panel.path("id"));
      assertFalse(panel.path("title").asText().isBlank(), "every panel has a title");
      JsonNode grid = panel.path("gridPos");
      assertTrue(
          grid.path("w").asInt() > 0 && grid.path("x").asInt() + grid.path("w").asInt() <= 24);
      if ("row".equals(panel.path("type").asText())) {
        continue;
      }
      assertEquals("${datasource}", panel.path("datasource").path("uid").asText());
      assertTrue(panel.path("targets").size() > 0, panel.path("title") + " has queries");
      for (JsonNode target : panel.path("targets")) {
        assertFalse(target.path("expr").asText().isBlank());
        queried++;
      }
    }
    assertTrue(queried >= 25, "queries: " + queried);
  }

  @Test
  void everyQueryIsValidPromQl() throws Exception {
    JsonNode d = JSON.readTree(Files.readString(DASHBOARD));
    ObjectNode file = JSON.createObjectNode();
    ArrayNode rules =
        file.putArray("groups").addObject().put("name", "dashboard").putArray("rules");
    int n = 0;
    for (JsonNode panel : d.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        String expr =
            target
                .path("expr")
                .asText()
                .replace("$__rate_interval", "1m")
                .replace("$job", ".*")
                .replace("$connection", ".*");
        assertFalse(expr.contains("$"), "an unknown variable in " + expr);
        rules.addObject().put("record", "dashboard:query" + n++).put("expr", expr);
      }
    }
    Path dir = Files.createTempDirectory("dashboard-rules");
    Path rulesFile = dir.resolve("dashboard.yml");
    Files.writeString(rulesFile, new ObjectMapper(new YAMLFactory()).writeValueAsString(file));
    Promtool.Run run = Promtool.run(dir, null, "check", "rules", "dashboard.yml");
    assertEquals(0, run.exit(), run.output());
    assertTrue(run.output().contains("SUCCESS: " + n + " rules found"), run.output());
  }
}
