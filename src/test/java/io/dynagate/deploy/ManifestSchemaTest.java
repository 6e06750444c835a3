package io.dynagate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynagate.support.NodeScenario;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every overlay renders with {@code kubectl kustomize} and every rendered document is valid against
 * the Kubernetes and Prometheus Operator JSON schemas (npm {@code kubernetes-models} and
 * {@code @kubernetes-models/prometheus-operator}, run by {@code src/test/node/k8s-validate.mjs}):
 * CI has no cluster to dry-run against. The validator itself is shown to refuse unknown fields,
 * wrong types and unknown kinds.
 */
class ManifestSchemaTest {
  static final String SCRIPT = "k8s-validate.mjs";

  @Test
  void everyOverlayRendersAndEveryDocumentIsValidAgainstItsSchema() throws Exception {
    // given every overlay, rendered as `kubectl apply -k` would
    List<Map<String, Object>> documents = new ArrayList<>();
    Map<String, Set<String>> kinds = new LinkedHashMap<>();
    for (String overlay : Manifests.overlays()) {
      for (JsonNode doc : Manifests.render(overlay)) {
        documents.add(document(overlay, doc));
        kinds.computeIfAbsent(overlay, o -> new TreeSet<>()).add(doc.path("kind").asText());
      }
    }

    // when the schemas judge them
    NodeScenario.Result run = validate(documents);

    // then every one passes, and each overlay holds what its topology needs
    assertEquals(documents.size(), run.ops().size(), run.summary());
    run.ops().forEach(op -> assertTrue(op.ok(), op.describe()));
    assertEquals(
        Set.of(
            "ConfigMap",
            "Deployment",
            "HorizontalPodAutoscaler",
            "NetworkPolicy",
            "PodDisruptionBudget",
            "PrometheusRule",
            "Service",
            "ServiceAccount",
            "ServiceMonitor"),
        kinds.get("shared"));
    assertEquals(Set.of("ConfigMap", "Deployment", "ServiceAccount"), kinds.get("sidecar"));
  }

  @Test
  void theValidatorRefusesUnknownFieldsWrongTypesAndUnknownKinds() throws Exception {
    // given the shared overlay's Deployment and ServiceMonitor, intact and deliberately broken
    List<JsonNode> shared = Manifests.render("shared");
    JsonNode deployment = Manifests.one(shared, "Deployment");
    JsonNode monitor = Manifests.one(shared, "ServiceMonitor");

    ObjectNode misspeltProbeField = deployment.deepCopy();
    ((ObjectNode) container(misspeltProbeField).path("readinessProbe")).put("periodSecond", 2);
    ObjectNode misspeltSpecField = deployment.deepCopy();
    ((ObjectNode) misspeltSpecField.path("spec")).put("replcas", 3);
    ObjectNode portAsString = deployment.deepCopy();
    ((ObjectNode) container(portAsString).path("ports").get(0)).put("containerPort", "8080");
    ObjectNode runAsUserAsString = deployment.deepCopy();
    ((ObjectNode) Manifests.podSpec(runAsUserAsString).path("securityContext"))
        .put("runAsUser", "185");
    ObjectNode misspeltEndpointField = monitor.deepCopy();
    ((ObjectNode) misspeltEndpointField.path("spec").path("endpoints").get(0))
        .put("pth", "/q/metrics");
    ObjectNode unknownKind = deployment.deepCopy();
    unknownKind.put("kind", "Deploymnet");

    // when the validator judges them in one run
    NodeScenario.Result run =
        validate(
            List.of(
                document("intact", deployment),
                document("intact", monitor),
                document("probe-field", misspeltProbeField),
                document("spec-field", misspeltSpecField),
                document("port-type", portAsString),
                document("user-type", runAsUserAsString),
                document("endpoint-field", misspeltEndpointField),
                document("kind", unknownKind)));

    // then the intact ones pass and each broken one fails, naming what is wrong
    List<NodeScenario.Op> ops = run.ops();
    assertEquals(8, ops.size(), run.summary());
    assertTrue(ops.get(0).ok(), ops.get(0).describe());
    assertTrue(ops.get(1).ok(), ops.get(1).describe());
    assertRefused(ops.get(2), "unknown_field", "readinessProbe.periodSecond");
    assertRefused(ops.get(3), "unknown_field", ".spec.replcas");
    assertRefused(ops.get(4), "schema", "containerPort must be integer");
    assertRefused(ops.get(5), "schema", "runAsUser must be integer");
    assertRefused(ops.get(6), "unknown_field", "endpoints[0].pth");
    assertRefused(ops.get(7), "unknown_kind", "Deploymnet");
  }

  private static void assertRefused(NodeScenario.Op op, String code, String inMessage) {
    assertFalse(op.ok(), op.describe());
    assertEquals(code, op.code(), op.describe());
    assertTrue(op.message().contains(inMessage), op.describe());
  }

  private static ObjectNode container(ObjectNode deployment) {
    return (ObjectNode) Manifests.gateway(deployment).orElseThrow();
  }

  private static NodeScenario.Result validate(List<Map<String, Object>> documents) {
    return NodeScenario.script(SCRIPT).run(Map.of("documents", documents));
  }

  private static Map<String, Object> document(String source, JsonNode object) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("source", source);
    document.put("object", Manifests.YAML.convertValue(object, Map.class));
    return document;
  }
}
