package io.dynagate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No Docker here, so {@code Dockerfile.jvm} is checked against what {@code ./mvnw package} built
 * (this runs after it): it copies the fast-jar layout that exists, starts {@code quarkus-run.jar},
 * runs as user 185 on the UBI OpenJDK 17 runtime, and its JAVA_OPTS are exactly the JVM flags
 * {@code deploy/bench/run} measures, with no configuration property that would beat the pod's env.
 */
class DockerfileIT {
  private static final Path APP = Path.of("target", "quarkus-app");
  private static final Pattern COPY =
      Pattern.compile("(?m)^COPY\\s+--chown=185\\s+(\\S+)\\s+(\\S+)$");

  @Test
  void copiesTheFastJarLayoutThatPackageBuilt() throws Exception {
    String dockerfile = Manifests.read(Manifests.DOCKERFILE);
    Matcher copy = COPY.matcher(dockerfile);
    int copies = 0;
    while (copy.find()) {
      copies++;
      String source = copy.group(1);
      assertTrue(source.startsWith("target/quarkus-app/"), source);
      if (source.endsWith("*.jar")) {
        try (Stream<Path> jars = Files.list(APP)) {
          assertTrue(jars.anyMatch(j -> j.toString().endsWith(".jar")), "no jar in " + APP);
        }
      } else {
        assertTrue(Files.isDirectory(Path.of(source)), source + " was not built by package");
      }
    }
    assertEquals(4, copies, "lib/, the runner jar, app/ and quarkus/");
    assertTrue(Files.isRegularFile(APP.resolve("quarkus-run.jar")));
    assertTrue(dockerfile.contains("ENV JAVA_APP_JAR=\"/deployments/quarkus-run.jar\""));
    assertTrue(dockerfile.contains("\nUSER 185\n"), "runs as 185");
    assertTrue(dockerfile.contains("\nFROM registry.access.redhat.com/ubi9/openjdk-17-runtime:"));
  }

  @Test
  void javaOptsAreTheBenchmarksFlags() throws Exception {
    String dockerfile = Manifests.read(Manifests.DOCKERFILE).replace("\\\n", " ");
    Matcher opts = Pattern.compile("(?m)^ENV JAVA_OPTS=\"([^\"]*)\"").matcher(dockerfile);
    assertTrue(opts.find(), "no JAVA_OPTS");
    List<String> flags = List.of(opts.group(1).trim().split("\\s+"));

    Matcher bench =
        Pattern.compile("DEFAULT_JVM_FLAGS=\"([^\"]*)\"")
            .matcher(Manifests.read(Path.of("deploy", "bench", "run")));
    assertTrue(bench.find(), "deploy/bench/run has no DEFAULT_JVM_FLAGS");
    List<String> measured = List.of(bench.group(1).trim().split("\\s+"));
    assertEquals(
        measured,
        flags.stream().filter(f -> !f.startsWith("-Djava.util.logging.manager=")).toList(),
        "JAVA_OPTS must be the flags the benchmark measured");
    assertTrue(dockerfile.contains("ENV MALLOC_ARENA_MAX=2"));
    // a -Dquarkus.* / -Ddynagate.* system property would beat every manifest's env variable
    assertFalse(
        flags.stream().anyMatch(f -> f.startsWith("-Dquarkus.") || f.startsWith("-Ddynagate.")),
        flags.toString());
  }
}
