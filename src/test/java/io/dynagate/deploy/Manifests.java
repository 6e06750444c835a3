package io.dynagate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The deployment files as the tests of this package read them: every overlay under {@code
 * k8s/overlays} rendered with {@code kubectl kustomize} (as an operator's {@code kubectl apply -k}
 * would), the compose file, the Dockerfile. Paths are relative to the Maven base directory.
 */
final class Manifests {
  static final Path OVERLAYS = Path.of("k8s", "overlays");
  static final Path COMPOSE = Path.of("deploy", "compose", "compose.yaml");
  static final Path DOCKERFILE = Path.of("Dockerfile.jvm");

  /** The name of the gateway's container in every workload. */
  static final String GATEWAY = "dynagate";

  static final YAMLMapper YAML = new YAMLMapper();

  private Manifests() {}

  /** The overlay names, e.g. {@code shared}, {@code sidecar}. */
  static List<String> overlays() throws IOException {
    try (Stream<Path> dirs = Files.list(OVERLAYS)) {
      List<String> names =
          dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
              .map(d -> d.getFileName().toString())
              .sorted()
              .toList();
      assertTrue(names.contains("shared") && names.contains("sidecar"), names.toString());
      return names;
    }
  }

  /** {@code kubectl kustomize k8s/overlays/<overlay>}, one node per document. */
  static List<JsonNode> render(String overlay) throws IOException, InterruptedException {
    Path out = Files.createTempFile("kustomize-" + overlay + "-", ".yaml");
    Path err = Files.createTempFile("kustomize-" + overlay + "-", ".err");
    try {
      Process process =
          new ProcessBuilder("kubectl", "kustomize", OVERLAYS.resolve(overlay).toString())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize did not end in 60 s");
      if (process.exitValue() != 0) {
        throw new AssertionError("kubectl kustomize " + overlay + " failed:\n" + read(err));
      }
      return documents(read(out));
    } catch (IOException e) {
      throw new AssertionError("could not run kubectl (.ci/run installs it): " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Every YAML document of {@code text} (empty documents dropped). */
  static List<JsonNode> documents(String text) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  static JsonNode yaml(Path file) throws IOException {
    return YAML.readTree(read(file));
  }

  static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
  }

  static JsonNode one(List<JsonNode> docs, String kind) {
    List<JsonNode> found = ofKind(docs, kind);
    assertEquals(1, found.size(), () -> "expected one " + kind + ", found " + found.size());
    return found.get(0);
  }

  /** The pod spec of a workload (Deployment and the like). */
  static JsonNode podSpec(JsonNode workload) {
    return workload.path("spec").path("template").path("spec");
  }

  /** Containers and init containers of a pod spec. */
  static List<JsonNode> allContainers(JsonNode podSpec) {
    List<JsonNode> all = new ArrayList<>();
    podSpec.path("initContainers").forEach(all::add);
    podSpec.path("containers").forEach(all::add);
    return all;
  }

  /** The gateway's container in a workload, if it has one. */
  static Optional<JsonNode> gateway(JsonNode workload) {
    return allContainers(podSpec(workload)).stream()
        .filter(c -> GATEWAY.equals(c.path("name").asText()))
        .findFirst();
  }

  /** Every Deployment of every overlay that runs the gateway, as "overlay/name" → Deployment. */
  static List<Workload> gatewayWorkloads() throws IOException, InterruptedException {
    List<Workload> all = new ArrayList<>();
    for (String overlay : overlays()) {
      List<JsonNode> docs = render(overlay);
      for (JsonNode d : ofKind(docs, "Deployment")) {
        gateway(d).ifPresent(c -> all.add(new Workload(overlay, d, (ObjectNode) c, docs)));
      }
    }
    assertTrue(all.size() >= 2, "no gateway workloads found: " + all);
    return all;
  }

  /**
   * A workload that runs the gateway.
   *
   * @param overlay the overlay it was rendered from
   * @param deployment the Deployment
   * @param container its {@value #GATEWAY} container
   * @param rendered every document of that overlay
   */
  record Workload(
      String overlay, JsonNode deployment, ObjectNode container, List<JsonNode> rendered) {
    String label() {
      return overlay + "/" + deployment.path("metadata").path("name").asText();
    }

    /** The ConfigMaps the container reads with envFrom. */
    List<JsonNode> envFromConfigMaps() {
      List<JsonNode> maps = new ArrayList<>();
      for (JsonNode from : container.path("envFrom")) {
        String name = from.path("configMapRef").path("name").asText(null);
        if (name != null) {
          maps.add(
              ofKind(rendered, "ConfigMap").stream()
                  .filter(m -> name.equals(m.path("metadata").path("name").asText()))
                  .findFirst()
                  .orElseThrow(() -> new AssertionError(label() + ": no ConfigMap " + name)));
        }
      }
      return maps;
    }

    /** Every env name the container gets: its env list and the keys of its envFrom maps. */
    List<String> envNames() {
      List<String> names = new ArrayList<>();
      container.path("env").forEach(e -> names.add(e.path("name").asText()));
      envFromConfigMaps().forEach(m -> m.path("data").fieldNames().forEachRemaining(names::add));
      return names;
    }

    /** The literal value of an env name (env list first, then envFrom maps), if any. */
    Optional<String> envValue(String name) {
      for (JsonNode e : container.path("env")) {
        if (name.equals(e.path("name").asText()) && e.has("value")) {
          return Optional.of(e.path("value").asText());
        }
      }
      for (JsonNode m : envFromConfigMaps()) {
        if (m.path("data").has(name)) {
          return Optional.of(m.path("data").path(name).asText());
        }
      }
      return Optional.empty();
    }
  }
}
