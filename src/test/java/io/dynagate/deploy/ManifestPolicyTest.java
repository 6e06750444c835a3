package io.dynagate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynagate.deploy.Manifests.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What the issue asks of both topologies, read off the rendered overlays: non-root (185), read-only
 * root filesystem, no capabilities, seccomp, requests and limits, secrets only by reference, no
 * sandbox, a grace period that covers the shutdown timing; and of each topology what makes it that
 * topology (replicas, autoscaler and budget for {@code shared}; localhost, admin off and a
 * provisioning file for {@code sidecar}).
 */
class ManifestPolicyTest {
  private static final Pattern SECRET_NAME =
      Pattern.compile(".*(KEY|KEYS|SECRET|PASSWORD|TOKEN|CREDENTIAL).*");

  @Test
  void everyContainerRunsUnprivilegedWithLimits() throws Exception {
    for (String overlay : Manifests.overlays()) {
      for (JsonNode d : Manifests.ofKind(Manifests.render(overlay), "Deployment")) {
        JsonNode pod = Manifests.podSpec(d);
        String where = overlay + "/" + d.path("metadata").path("name").asText();
        assertFalse(pod.path("automountServiceAccountToken").asBoolean(true), where);
        assertEquals("RuntimeDefault", pod.at("/securityContext/seccompProfile/type").asText());
        for (JsonNode c : Manifests.allContainers(pod)) {
          String at = where + " container " + c.path("name").asText();
          JsonNode sc = c.path("securityContext");
          boolean nonRoot =
              sc.path("runAsNonRoot").asBoolean(false)
                  || pod.at("/securityContext/runAsNonRoot").asBoolean(false);
          assertTrue(nonRoot, at + ": runAsNonRoot");
          assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(false), at + ": read-only root");
          assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true), at);
          assertEquals("[\"ALL\"]", sc.at("/capabilities/drop").toString(), at);
          for (String kind : List.of("requests", "limits")) {
            for (String resource : List.of("cpu", "memory")) {
              assertFalse(c.at("/resources/" + kind + "/" + resource).asText().isBlank(), at);
            }
          }
        }
      }
    }
  }

  @Test
  void theGatewayRunsAsTheImagesUserWithAWritableTmpOnly() throws Exception {
    for (Workload w : Manifests.gatewayWorkloads()) {
      JsonNode pod = Manifests.podSpec(w.deployment());
      int user =
          w.container()
              .at("/securityContext/runAsUser")
              .asInt(pod.at("/securityContext/runAsUser").asInt(-1));
      assertEquals(185, user, w.label());
      List<String> mounts = new ArrayList<>();
      w.container().path("volumeMounts").forEach(m -> mounts.add(m.path("mountPath").asText()));
      assertTrue(mounts.contains("/tmp"), w.label() + ": /tmp must be writable: " + mounts);
    }
  }

  @Test
  void secretsAreOnlyReferencedNeverWrittenIntoAManifest() throws Exception {
    for (String overlay : Manifests.overlays()) {
      List<JsonNode> docs = Manifests.render(overlay);
      assertTrue(Manifests.ofKind(docs, "Secret").isEmpty(), overlay + " renders a Secret");
      for (JsonNode map : Manifests.ofKind(docs, "ConfigMap")) {
        map.path("data")
            .fieldNames()
            .forEachRemaining(
                k -> assertFalse(SECRET_NAME.matcher(k).matches(), overlay + " ConfigMap " + k));
      }
      for (JsonNode d : Manifests.ofKind(docs, "Deployment")) {
        for (JsonNode c : Manifests.allContainers(Manifests.podSpec(d))) {
          for (JsonNode e : c.path("env")) {
            String name = e.path("name").asText();
            if (SECRET_NAME.matcher(name).matches()) {
              assertFalse(e.has("value"), overlay + ": " + name + " has a literal value");
              assertTrue(e.at("/valueFrom/secretKeyRef/name").isTextual(), overlay + ": " + name);
            }
          }
        }
      }
    }
  }

  @Test
  void noTopologyCanStartTheSandboxOrCallPlainHttpUpstreams() throws Exception {
    for (Workload w : Manifests.gatewayWorkloads()) {
      assertEquals("false", w.envValue("DYNAGATE_SANDBOX_ENABLED").orElse(""), w.label());
      assertEquals("false", w.envValue("DYNAGATE_ALLOW_INSECURE_HTTP").orElse(""), w.label());
    }
  }

  @Test
  void theGracePeriodCoversTheShutdownDelayAndTimeoutWithAMargin() throws Exception {
    for (Workload w : Manifests.gatewayWorkloads()) {
      Duration delay = Duration.parse("PT" + w.envValue("QUARKUS_SHUTDOWN_DELAY").orElseThrow());
      Duration timeout =
          Duration.parse("PT" + w.envValue("QUARKUS_SHUTDOWN_TIMEOUT").orElseThrow());
      long grace = Manifests.podSpec(w.deployment()).path("terminationGracePeriodSeconds").asLong();
      assertTrue(
          grace >= delay.plus(timeout).toSeconds() + 10,
          w.label() + ": grace " + grace + " s < " + delay + " + " + timeout + " + 10 s");
    }
  }

  @Test
  void sharedIsAnAutoscaledFleetThatADrainCannotEmpty() throws Exception {
    List<JsonNode> docs = Manifests.render("shared");
    JsonNode deployment = Manifests.one(docs, "Deployment");
    JsonNode labels = deployment.at("/spec/template/metadata/labels");
    assertTrue(deployment.at("/spec/replicas").asInt() >= 2, deployment.toString());
    assertEquals(0, deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt(-1));

    JsonNode hpa = Manifests.one(docs, "HorizontalPodAutoscaler");
    assertEquals("autoscaling/v2", hpa.path("apiVersion").asText());
    assertEquals(deployment.at("/metadata/name"), hpa.at("/spec/scaleTargetRef/name"));
    assertEquals("Deployment", hpa.at("/spec/scaleTargetRef/kind").asText());
    assertTrue(hpa.at("/spec/minReplicas").asInt() >= 2, hpa.toString());
    assertEquals("cpu", hpa.at("/spec/metrics/0/resource/name").asText());
    assertFalse(
        Manifests.gateway(deployment).orElseThrow().at("/resources/requests/cpu").isMissingNode(),
        "CPU utilisation needs a CPU request");

    JsonNode pdb = Manifests.one(docs, "PodDisruptionBudget");
    assertTrue(
        pdb.at("/spec/minAvailable").asInt() >= 1
            && pdb.at("/spec/minAvailable").asInt() < hpa.at("/spec/minReplicas").asInt(),
        "a budget of minReplicas would block every drain: " + pdb);
    assertSelects(pdb.at("/spec/selector/matchLabels"), labels, "PodDisruptionBudget");
    assertSelects(Manifests.one(docs, "Service").at("/spec/selector"), labels, "Service");
    assertSelects(
        Manifests.one(docs, "NetworkPolicy").at("/spec/podSelector/matchLabels"),
        labels,
        "NetworkPolicy");
  }

  @Test
  void theSidecarListensOnLocalhostWithoutAdminApiAndProvisionsFromItsFile() throws Exception {
    Workload sidecar =
        Manifests.gatewayWorkloads().stream()
            .filter(w -> w.overlay().equals("sidecar"))
            .findFirst()
            .orElseThrow();
    JsonNode pod = Manifests.podSpec(sidecar.deployment());
    assertTrue(Manifests.allContainers(pod).size() >= 2, "an engine container beside the gateway");
    assertEquals("127.0.0.1", sidecar.envValue("QUARKUS_HTTP_HOST").orElse(""));
    assertEquals("false", sidecar.envValue("DYNAGATE_ADMIN_ENABLED").orElse(""));
    assertTrue(sidecar.envNames().stream().noneMatch(n -> n.equals("DYNAGATE_ADMIN_KEY")));
    assertTrue(Manifests.ofKind(sidecar.rendered(), "Service").isEmpty(), "no Service");

    // the provisioning file is mounted where DYNAGATE_PROVISIONING_FILE says
    String file = sidecar.envValue("DYNAGATE_PROVISIONING_FILE").orElseThrow();
    String dir = file.substring(0, file.lastIndexOf('/'));
    JsonNode mount = null;
    for (JsonNode m : sidecar.container().path("volumeMounts")) {
      if (m.path("mountPath").asText().equals(dir)) {
        mount = m;
      }
    }
    assertTrue(mount != null && mount.path("readOnly").asBoolean(), "mounted read-only at " + dir);
    String volume = mount.path("name").asText();
    JsonNode source = null;
    for (JsonNode v : pod.path("volumes")) {
      if (v.path("name").asText().equals(volume)) {
        source = v;
      }
    }
    String mapName = source.at("/configMap/name").asText();
    JsonNode map =
        Manifests.ofKind(sidecar.rendered(), "ConfigMap").stream()
            .filter(m -> m.at("/metadata/name").asText().equals(mapName))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no ConfigMap " + mapName));
    String name = file.substring(file.lastIndexOf('/') + 1);
    String provisioning = map.path("data").path(name).asText();
    JsonNode parsed = Manifests.YAML.readTree(provisioning);
    assertEquals("engine", parsed.at("/apiKeys/0/principal").asText(), provisioning);
    assertTrue(parsed.at("/connections/0/grants").has("engine"), provisioning);

    // every {env: NAME} of the file is set in the gateway's container, from a Secret
    List<String> references = new ArrayList<>();
    collectEnvReferences(parsed, references);
    for (String env : references) {
      JsonNode set = null;
      for (JsonNode e : sidecar.container().path("env")) {
        if (e.path("name").asText().equals(env)) {
          set = e;
        }
      }
      assertTrue(
          set != null && set.at("/valueFrom/secretKeyRef/name").isTextual(),
          env + " is named by the provisioning file but not set from a Secret");
    }
    assertTrue(
        references.size() >= 2, "the client secret and the key hash come from the environment");
  }

  @Test
  void theSidecarIsSmallerThanASharedReplica() throws Exception {
    List<Workload> all = Manifests.gatewayWorkloads();
    JsonNode shared = find(all, "shared").container().path("resources");
    JsonNode sidecar = find(all, "sidecar").container().path("resources");
    for (String kind : List.of("requests", "limits")) {
      assertTrue(
          mebibytes(sidecar.at("/" + kind + "/memory").asText())
              < mebibytes(shared.at("/" + kind + "/memory").asText()),
          kind + " memory");
      assertTrue(
          millicores(sidecar.at("/" + kind + "/cpu").asText())
              < millicores(shared.at("/" + kind + "/cpu").asText()),
          kind + " cpu");
    }
  }

  /** The NAME of every {@code {env: NAME}} value in the provisioning document. */
  private static void collectEnvReferences(JsonNode node, List<String> names) {
    if (node.isObject() && node.size() == 1 && node.path("env").isTextual()) {
      names.add(node.path("env").asText());
    }
    node.elements().forEachRemaining(child -> collectEnvReferences(child, names));
  }

  private static Workload find(List<Workload> all, String overlay) {
    return all.stream().filter(w -> w.overlay().equals(overlay)).findFirst().orElseThrow();
  }

  private static void assertSelects(JsonNode selector, JsonNode labels, String what) {
    assertFalse(selector.isEmpty(), what + " selects nothing");
    selector
        .fields()
        .forEachRemaining(
            e -> assertEquals(e.getValue(), labels.path(e.getKey()), what + " " + e.getKey()));
  }

  private static long mebibytes(String quantity) {
    if (quantity.endsWith("Mi")) {
      return Long.parseLong(quantity.substring(0, quantity.length() - 2));
    }
    if (quantity.endsWith("Gi")) {
      return Long.parseLong(quantity.substring(0, quantity.length() - 2)) * 1024;
    }
    throw new AssertionError("write memory in Mi or Gi: " + quantity);
  }

  private static long millicores(String quantity) {
    return quantity.endsWith("m")
        ? Long.parseLong(quantity.substring(0, quantity.length() - 1))
        : Long.parseLong(quantity) * 1000;
  }
}
