package io.dynagate.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The alerting rules in {@code deploy/monitoring/prometheus/} are valid ({@code promtool check
 * rules}), behave as their unit tests say ({@code promtool test rules}), and every alert carries
 * what an on-call person needs and has a test that makes it fire.
 */
class AlertRulesTest {
  static final Path DIR = Path.of("deploy/monitoring/prometheus");
  static final Path RULES = DIR.resolve("dynagate-rules.yml");
  static final Path TESTS = DIR.resolve("dynagate-rules.test.yml");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void promtoolAcceptsTheRules() throws Exception {
    Promtool.Run run = Promtool.run(DIR, null, "check", "rules", RULES.getFileName().toString());
    assertEquals(0, run.exit(), run.output());
    assertTrue(run.output().contains("SUCCESS"), run.output());
  }

  @Test
  void theRuleUnitTestsPass() throws Exception {
    Promtool.Run run = Promtool.run(DIR, null, "test", "rules", TESTS.getFileName().toString());
    assertEquals(0, run.exit(), run.output());
    assertFalse(run.output().contains("FAILED"), run.output());
  }

  @Test
  void everyAlertHasSeverityTextAndRunbook() throws Exception {
    for (JsonNode rule : alerts()) {
      String name = rule.path("alert").asText();
      assertTrue(
          Set.of("warning", "critical").contains(rule.path("labels").path("severity").asText()),
          name + ": severity warning|critical");
      for (String annotation : List.of("summary", "description", "runbook")) {
        assertFalse(
            rule.path("annotations").path(annotation).asText().isBlank(),
            name + ": annotation " + annotation);
      }
    }
  }

  @Test
  void everyAlertIsMadeToFireByAUnitTest() throws Exception {
    Set<String> fired = new HashSet<>();
    for (JsonNode test : YAML.readTree(TESTS.toFile()).path("tests")) {
      for (JsonNode check : test.path("alert_rule_test")) {
        if (check.path("exp_alerts").size() > 0) {
          fired.add(check.path("alertname").asText());
        }
      }
    }
    for (JsonNode rule : alerts()) {
      assertTrue(
          fired.contains(rule.path("alert").asText()),
          rule.path("alert").asText() + " has no test case in which it fires");
    }
  }

  @Test
  void theIssueAlertsAreAllThere() throws Exception {
    Set<String> names = new HashSet<>();
    alerts().forEach(r -> names.add(r.path("alert").asText()));
    assertEquals(
        Set.of(
            "DynagateConnectionNeedsConsent",
            "DynagateConnectionRefreshFailing",
            "DynagateConnectionUnhealthy",
            "DynagateTokenExpiringWithoutRefresh",
            "DynagateUpstreamThrottled",
            "DynagateHigh5xxRatio",
            "DynagateHighLatencyP99",
            "DynagateStoreOutage",
            "DynagateFleetEventsDown",
            "DynagateWebhookDeliveriesFailing"),
        names);
  }

  static List<JsonNode> alerts() throws Exception {
    List<JsonNode> alerts = new java.util.ArrayList<>();
    for (JsonNode group : YAML.readTree(Files.readString(RULES)).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("alert")) {
          alerts.add(rule);
        }
      }
    }
    return alerts;
  }
}
