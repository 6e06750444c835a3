package io.dynagate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code k8s/overlays/shared/prometheusrule.yaml} is generated from the Prometheus rule file {@code
 * deploy/monitoring/prometheus/dynagate-rules.yml} (the same rules compose's Prometheus loads):
 * this test builds the PrometheusRule from the rule file and fails when the checked-in copy
 * differs, so the alerts cannot drift between the two. Rewrite the copy with {@code ./mvnw test
 * -Dtest=PrometheusRuleSyncTest -Ddeploy.write=true}.
 */
class PrometheusRuleSyncTest {
  static final Path RULES = Path.of("deploy", "monitoring", "prometheus", "dynagate-rules.yml");
  static final Path CHECKED_IN = Path.of("k8s", "overlays", "shared", "prometheusrule.yaml");

  private static final String HEADER =
      "# GENERATED from deploy/monitoring/prometheus/dynagate-rules.yml by PrometheusRuleSyncTest;"
          + " do not edit.\n"
          + "# Change the rule file, then: ./mvnw test -Dtest=PrometheusRuleSyncTest"
          + " -Ddeploy.write=true\n";

  private static final YAMLMapper WRITER =
      new YAMLMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
              .build());

  @Test
  void checkedInPrometheusRuleIsGeneratedFromTheRuleFile() throws Exception {
    // given the rule file, a well-formed Prometheus rule file
    JsonNode rules = Manifests.yaml(RULES);
    assertRuleFile(rules);

    // when the PrometheusRule is built from it
    String generated = HEADER + WRITER.writeValueAsString(prometheusRule(rules));
    if (Boolean.getBoolean("deploy.write")) {
      Files.writeString(CHECKED_IN, generated, StandardCharsets.UTF_8);
    }

    // then the checked-in copy is exactly that, and carries exactly the file's groups
    assertTrue(
        Files.exists(CHECKED_IN), CHECKED_IN + " is missing; write it with -Ddeploy.write=true");
    String checkedIn = Manifests.read(CHECKED_IN);
    assertEquals(
        rules.get("groups"),
        Manifests.YAML.readTree(checkedIn).path("spec").path("groups"),
        CHECKED_IN + " has other rules than " + RULES + "; rewrite it with -Ddeploy.write=true");
    assertEquals(
        generated,
        checkedIn,
        CHECKED_IN + " was edited by hand or is stale; rewrite it with -Ddeploy.write=true");
  }

  @Test
  void theSharedOverlayAppliesTheGeneratedRule() throws Exception {
    JsonNode rule =
        Manifests.one(Manifests.render("shared"), "PrometheusRule"); // via kustomization.yaml
    assertEquals(Manifests.yaml(RULES).get("groups"), rule.path("spec").path("groups"));
  }

  static ObjectNode prometheusRule(JsonNode rules) {
    ObjectNode rule = Manifests.YAML.createObjectNode();
    rule.put("apiVersion", "monitoring.coreos.com/v1");
    rule.put("kind", "PrometheusRule");
    ObjectNode metadata = rule.putObject("metadata");
    metadata.put("name", "dynagate");
    metadata.putObject("labels").put("app.kubernetes.io/name", "dynagate");
    rule.putObject("spec").set("groups", rules.get("groups").deepCopy());
    return rule;
  }

  /** The shape Prometheus itself requires of a rule file (promtool would refuse otherwise). */
  private static void assertRuleFile(JsonNode rules) {
    JsonNode groups = rules.path("groups");
    assertTrue(groups.isArray() && !groups.isEmpty(), RULES + ": no `groups:` list");
    for (JsonNode group : groups) {
      assertFalse(group.path("name").asText().isBlank(), RULES + ": a group without a name");
      assertTrue(
          group.path("rules").isArray() && !group.path("rules").isEmpty(),
          RULES + ": group " + group.path("name") + " has no rules");
      for (JsonNode r : group.path("rules")) {
        assertTrue(
            r.hasNonNull("alert") ^ r.hasNonNull("record"),
            RULES + ": each rule is either an alert or a record: " + r);
        assertFalse(r.path("expr").asText().isBlank(), RULES + ": a rule without expr: " + r);
      }
    }
  }
}
