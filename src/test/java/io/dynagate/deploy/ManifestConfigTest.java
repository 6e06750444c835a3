package io.dynagate.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynagate.deploy.Manifests.Workload;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.config.ConfigMappings;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The deployment files against the application itself: container and Service ports are the
 * configured HTTP and management ports, every probe path and the ServiceMonitor's path are served
 * by the running gateway on its management port (and not on the HTTP port), the NetworkPolicy opens
 * those ports and the stores' ports, and every {@code DYNAGATE_*} / {@code QUARKUS_*} variable any
 * manifest, the compose file or the Dockerfile sets maps, by SmallRye Config's environment-name
 * rules, onto a property the running application reads.
 */
@QuarkusTest
class ManifestConfigTest {
  private static final java.nio.file.Path APPLICATION_PROPERTIES =
      java.nio.file.Path.of("src", "main", "resources", "application.properties");

  private static final Pattern ENV_LINE = Pattern.compile("(?m)^ENV\\s+(.+)$");
  private static final Pattern ENV_ASSIGNMENT = Pattern.compile("([A-Z][A-Z0-9_]*)=");

  @TestHTTPResource(value = "/", management = true)
  URL management;

  @TestHTTPResource("/")
  URL http;

  @Test
  void containerAndServicePortsAreTheConfiguredPorts() throws Exception {
    int httpPort = configured("quarkus.http.port");
    int managementPort = configured("quarkus.management.port");
    for (Workload w : Manifests.gatewayWorkloads()) {
      Map<String, Integer> ports = new TreeMap<>();
      w.container()
          .path("ports")
          .forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
      assertEquals(Map.of("http", httpPort, "management", managementPort), ports, w.label());
    }
    JsonNode service = Manifests.one(Manifests.render("shared"), "Service");
    Map<String, Integer> servicePorts = new TreeMap<>();
    for (JsonNode p : service.at("/spec/ports")) {
      assertEquals(p.path("name").asText(), p.path("targetPort").asText(), "targetPort by name");
      servicePorts.put(p.path("name").asText(), p.path("port").asInt());
    }
    assertEquals(Map.of("http", httpPort, "management", managementPort), servicePorts);
    assertTrue(
        Manifests.read(Manifests.DOCKERFILE).contains("EXPOSE " + httpPort + " " + managementPort));
    List<String> published = new ArrayList<>();
    compose().at("/services/gateway/ports").forEach(p -> published.add(p.asText()));
    assertEquals(
        List.of(
            "127.0.0.1:" + httpPort + ":" + httpPort,
            "127.0.0.1:" + managementPort + ":" + managementPort),
        published);
  }

  @Test
  void everyProbePathIsServedOnTheManagementPortOnly() throws Exception {
    for (Workload w : Manifests.gatewayWorkloads()) {
      for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
        JsonNode get = w.container().path(probe).path("httpGet");
        String at = w.label() + " " + probe;
        assertEquals("management", get.path("port").asText(), at);
        String path = get.path("path").asText();
        assertTrue(path.startsWith("/q/health"), at + ": " + path);
        // the running gateway answers it on the management port (UP once its stores answer) …
        Awaitility.await(at)
            .atMost(Duration.ofSeconds(30))
            .until(() -> given().get(on(management, path)).statusCode() == 200);
        // … and not on the HTTP port, which never serves /q/*
        assertEquals(404, given().get(on(http, path)).statusCode(), at + " on the HTTP port");
      }
    }
  }

  @Test
  void theServiceMonitorAndComposeScrapeTheMetricsOnTheManagementPort() throws Exception {
    List<JsonNode> shared = Manifests.render("shared");
    JsonNode endpoint = Manifests.one(shared, "ServiceMonitor").at("/spec/endpoints/0");
    assertEquals("management", endpoint.path("port").asText());
    String path = endpoint.path("path").asText();
    String body = given().get(on(management, path)).then().statusCode(200).extract().asString();
    assertTrue(
        body.contains("# TYPE ") && body.contains("dynagate_"),
        "Prometheus text with dynagate meters");
    assertEquals(404, given().get(on(http, path)).statusCode());

    JsonNode podAnnotations =
        Manifests.one(shared, "Deployment").at("/spec/template/metadata/annotations");
    assertEquals(path, podAnnotations.path("prometheus.io/path").asText());
    assertEquals(
        String.valueOf(configured("quarkus.management.port")),
        podAnnotations.path("prometheus.io/port").asText());

    JsonNode scrape =
        Manifests.yaml(Manifests.COMPOSE.resolveSibling("prometheus.yml")).at("/scrape_configs/0");
    assertEquals(path, scrape.path("metrics_path").asText());
    assertEquals(
        "gateway:" + configured("quarkus.management.port"),
        scrape.at("/static_configs/0/targets/0").asText());
  }

  @Test
  void theNetworkPolicyOpensTheGatewaysPortsAndTheStoresPorts() throws Exception {
    List<JsonNode> shared = Manifests.render("shared");
    JsonNode policy = Manifests.one(shared, "NetworkPolicy");
    Set<Integer> ingress = new TreeSet<>();
    policy
        .at("/spec/ingress")
        .forEach(r -> r.path("ports").forEach(p -> ingress.add(p.path("port").asInt())));
    assertEquals(
        Set.of(configured("quarkus.http.port"), configured("quarkus.management.port")), ingress);
    assertEquals(
        "true",
        policy
            .at("/spec/ingress/0/from/0/podSelector/matchLabels")
            .path("dynagate.io/client")
            .asText());

    Set<Integer> egress = new TreeSet<>();
    policy
        .at("/spec/egress")
        .forEach(r -> r.path("ports").forEach(p -> egress.add(p.path("port").asInt())));
    Workload gateway =
        Manifests.gatewayWorkloads().stream()
            .filter(w -> w.overlay().equals("shared"))
            .findFirst()
            .orElseThrow();
    for (String url :
        List.of(
            "QUARKUS_DATASOURCE_REACTIVE_URL",
            "QUARKUS_DATASOURCE_JDBC_URL",
            "QUARKUS_REDIS_HOSTS")) {
      String value = gateway.envValue(url).orElseThrow().replaceFirst("^jdbc:", "");
      int port = URI.create(value).getPort();
      assertTrue(egress.contains(port), url + " port " + port + " not open in " + egress);
    }
    assertTrue(
        egress.containsAll(Set.of(53, 443, 26379)),
        "DNS, HTTPS (Dataverse, Entra), Sentinel: " + egress);
  }

  @Test
  void everyEnvironmentNameIsASettingTheApplicationReads() throws Exception {
    List<Pattern> known = knownEnvironmentNames();
    Map<String, String> names = new TreeMap<>();
    for (Workload w : Manifests.gatewayWorkloads()) {
      w.envNames().forEach(n -> names.put(n, w.label()));
    }
    compose()
        .at("/services/gateway/environment")
        .fieldNames()
        .forEachRemaining(n -> names.put(n, "compose"));
    Matcher lines = ENV_LINE.matcher(Manifests.read(Manifests.DOCKERFILE));
    while (lines.find()) {
      Matcher assignment = ENV_ASSIGNMENT.matcher(lines.group(1));
      while (assignment.find()) {
        names.put(assignment.group(1), "Dockerfile.jvm");
      }
    }
    assertTrue(
        names.containsKey("QUARKUS_HTTP_HOST") && names.containsKey("DYNAGATE_ENCRYPTION_KEYS"),
        names.toString());

    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, String> e : names.entrySet()) {
      String name = e.getKey();
      if (!name.startsWith("DYNAGATE_") && !name.startsWith("QUARKUS_")) {
        continue; // the JVM's, the image's or the provisioning file's own variables
      }
      boolean isKnown = known.stream().anyMatch(p -> p.matcher(name).matches());
      if (!isKnown) {
        unknown.add(name + " (" + e.getValue() + ")");
      }
    }
    assertTrue(unknown.isEmpty(), "no configuration property reads: " + unknown);
    // the check can fail: a misspelt name is not known
    assertFalse(known.stream().anyMatch(p -> p.matcher("QUARKUS_HTTP_PORTS").matches()));
    assertFalse(known.stream().anyMatch(p -> p.matcher("DYNAGATE_ENCRYPTION_KEY").matches()));
  }

  /**
   * Environment names of every property of every configuration mapping the running application
   * registered (DynagateConfig, the sandbox's, and Quarkus's run-time roots), by SmallRye Config's
   * rule: upper case, every other character {@code _}; a map key ({@code *}) matches any segment.
   * Build-time properties are not among them: setting one in the environment at run time does
   * nothing, so it should fail here.
   */
  private static List<Pattern> knownEnvironmentNames() throws Exception {
    SmallRyeConfig config = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class);
    // SmallRyeConfig keeps its registered mappings package-private; nothing public lists them.
    Method getMappings = SmallRyeConfig.class.getDeclaredMethod("getMappings");
    getMappings.setAccessible(true);
    @SuppressWarnings("unchecked")
    Map<Class<?>, Map<String, Object>> mappings =
        (Map<Class<?>, Map<String, Object>>) getMappings.invoke(config);
    List<Pattern> patterns = new ArrayList<>();
    for (Map.Entry<Class<?>, Map<String, Object>> mapping : mappings.entrySet()) {
      for (String prefix : mapping.getValue().keySet()) {
        for (String property :
            ConfigMappings.getProperties(
                    ConfigMappings.ConfigClass.configClass(mapping.getKey(), prefix))
                .keySet()) {
          patterns.add(Pattern.compile(environmentPattern(property)));
        }
      }
    }
    assertTrue(patterns.size() > 100, "too few mapped properties: " + patterns.size());
    return patterns;
  }

  private static String environmentPattern(String property) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < property.length(); i++) {
      char c = property.charAt(i);
      if (property.startsWith("[*]", i)) {
        regex.append("_[0-9]+_"); // list[0] -> LIST_0_
        i += 2;
      } else if (c == '*') {
        regex.append("[A-Z0-9_]+"); // a map key, possibly of several segments
      } else if (Character.isLetterOrDigit(c)) {
        regex.append(Character.toUpperCase(c));
      } else {
        regex.append('_');
      }
    }
    return regex.toString();
  }

  private static JsonNode compose() throws Exception {
    return Manifests.yaml(Manifests.COMPOSE);
  }

  /**
   * A port as production reads it: the test profile runs on random ports, so the value comes from
   * {@code application.properties} with the prod profile, where both ports are set explicitly.
   */
  private static int configured(String property) {
    try {
      SmallRyeConfig prod =
          new SmallRyeConfigBuilder()
              .withProfile("prod")
              .withSources(new PropertiesConfigSource(APPLICATION_PROPERTIES.toUri().toURL(), 250))
              .build();
      return prod.getOptionalValue(property, Integer.class)
          .orElseThrow(
              () -> new AssertionError(property + " is not set in " + APPLICATION_PROPERTIES));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String on(URL base, String path) {
    return base.getProtocol() + "://" + base.getHost() + ":" + base.getPort() + path;
  }
}
