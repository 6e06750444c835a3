package io.dynagate.provisioning;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the packaged application ({@code target/quarkus-app}) in the prod profile with {@code
 * DYNAGATE_PROVISIONING_FILE}, as a sidecar does: a refused file stops the start with one ERROR
 * line naming the file, the path in it and the problem, without a stack trace and without the
 * secret; a valid one is applied and the gateway comes up.
 */
class ProvisioningStartIT {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Pattern STACK_FRAME = Pattern.compile("(?m)^\\s+at [\\w.$]+\\(");

  @TempDir Path workDir;

  @Test
  void aLiteralSecretStopsTheStartWithOneLineAndNoSecret() throws Exception {
    String secret = "literal-secret-" + UUID.randomUUID();
    Path file =
        write(
            """
            connections:
              - id: sidecar
                orgUrl: https://sidecar.crm4.dynamics.com
                auth:
                  type: client_credentials
                  tenantId: 00000000-0000-0000-0000-000000000000
                  clientId: 11111111-1111-1111-1111-111111111111
                  clientSecret: %s
            """
                .formatted(secret));

    Process process = start(Map.of("DYNAGATE_PROVISIONING_FILE", file.toString()));
    try {
      assertTrue(process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "still running");
      assertNotEquals(0, process.exitValue());
      String output = output();
      // The output is not printed on failure when it might hold the secret this test checks for.
      assertFalse(output.contains(secret), "the output quotes the secret");
      long errorLines =
          output
              .lines()
              .filter(l -> l.contains("ERROR") && l.contains("Provisioning file"))
              .count();
      assertEquals(1, errorLines, output);
      String line = output.lines().filter(l -> l.contains("ERROR")).findFirst().orElseThrow();
      assertTrue(line.contains("Provisioning file " + file + " refused"), line);
      assertTrue(
          line.contains(
              "connections[0].auth.clientSecret: is a secret: give it as {env: NAME} or {file:"
                  + " PATH}, a literal value is refused"),
          line);
      assertFalse(STACK_FRAME.matcher(output).find(), output);
    } finally {
      stop(process);
    }
  }

  @Test
  void aValidFileIsAppliedAndTheGatewayComesUp() throws Exception {
    Path file =
        write(
            """
            connections:
              - id: sidecar-it
                orgUrl: https://sidecar-it.crm4.dynamics.com
                auth:
                  type: static_token
                  accessToken: {env: SIDECAR_TOKEN}
                grants:
                  engine: {access: read}
            """);

    Process process =
        start(
            Map.of(
                "DYNAGATE_PROVISIONING_FILE",
                file.toString(),
                "DYNAGATE_ADMIN_ENABLED",
                "false",
                "SIDECAR_TOKEN",
                "sidecar-token-" + UUID.randomUUID()));
    try {
      await()
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> !process.isAlive() || output().contains(" started in "));
      assertTrue(process.isAlive(), this::output);
      assertTrue(output().contains("Provisioning file " + file + " applied"), this::output);
    } finally {
      stop(process);
    }
  }

  private Path write(String yaml) throws IOException {
    Path file = workDir.resolve("provisioning.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  private Process start(Map<String, String> extraEnv) throws IOException {
    Path jar = runnerJar();
    assertTrue(Files.isRegularFile(jar), () -> jar + " is missing; run ./mvnw package first");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString())
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve("dynagate.out").toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("DYNAGATE_"));
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    env.put("DYNAGATE_ENCRYPTION_KEYS", "k1:" + Base64.getEncoder().encodeToString(key));
    env.put("QUARKUS_PROFILE", "prod");
    env.put("QUARKUS_HTTP_PORT", "0");
    env.put("QUARKUS_MANAGEMENT_PORT", "0");
    // the test profile's database and Redis (the _TEST_ overrides when a run sets its own)
    env.put(
        "QUARKUS_DATASOURCE_REACTIVE_URL",
        Optional.ofNullable(System.getenv("_TEST_QUARKUS_DATASOURCE_REACTIVE_URL"))
            .orElse("postgresql://localhost:5432/dynagate_test"));
    env.put(
        "QUARKUS_DATASOURCE_JDBC_URL",
        Optional.ofNullable(System.getenv("_TEST_QUARKUS_DATASOURCE_JDBC_URL"))
            .orElse("jdbc:postgresql://localhost:5432/dynagate_test"));
    env.put(
        "QUARKUS_REDIS_HOSTS",
        Optional.ofNullable(System.getenv("_TEST_QUARKUS_REDIS_HOSTS"))
            .orElse("redis://localhost:6379/1"));
    env.putAll(extraEnv);
    return builder.start();
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  private static Path runnerJar() {
    String configured = System.getProperty("dynagate.runner-jar");
    return (configured != null
            ? Path.of(configured)
            : Path.of("target/quarkus-app/quarkus-run.jar"))
        .toAbsolutePath();
  }

  private String output() {
    try {
      return new String(
          Files.readAllBytes(workDir.resolve("dynagate.out")), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
