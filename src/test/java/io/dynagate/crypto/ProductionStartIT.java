package io.dynagate.crypto;

import static org.awaitility.Awaitility.await;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the packaged application ({@code target/quarkus-app}) the way an operator does, in the
 * prod profile, and checks that a missing or unusable {@code DYNAGATE_ENCRYPTION_KEYS} stops the
 * start with a message that names the setting and never quotes key material.
 *
 * <p>Everything else is a working setup (local test database, Redis database 1), so the key is the
 * only reason to fail; the valid-key case proves that.
 */
class ProductionStartIT {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path workDir;

  @Test
  void productionStartWithoutEncryptionKeysFailsNamingTheSetting() throws Exception {
    // given no DYNAGATE_* variable at all
    Map<String, String> env = Map.of();

    // when
    Process process = start(env);
    try {
      // then
      assertTrue(
          process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS),
          () -> "still running after " + START_TIMEOUT + ":\n" + output());
      assertNotEquals(0, process.exitValue(), this::output);
      assertTrue(output().contains("DYNAGATE_ENCRYPTION_KEYS is not set"), this::output);
    } finally {
      stop(process);
    }
  }

  @Test
  void productionStartWithShortKeyFailsWithoutEchoingTheKey() throws Exception {
    // given a well-formed entry whose key is AES-128 sized
    String key = Base64.getEncoder().encodeToString(randomBytes(16));

    // when
    Process process = start(Map.of("DYNAGATE_ENCRYPTION_KEYS", "k1:" + key));
    try {
      // then
      assertTrue(
          process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS),
          () -> "still running after " + START_TIMEOUT);
      assertNotEquals(0, process.exitValue());
      String output = output();
      // The output is not printed on failure: it might hold the key this test checks for.
      assertTrue(
          output.contains("must be 32 bytes"), "the message does not say 'must be 32 bytes'");
      assertFalse(output.contains(key), "the output quotes the key");
    } finally {
      stop(process);
    }
  }

  @Test
  void productionStartWithValidKeyComesUp() throws Exception {
    // given a valid key (the control: the same setup otherwise fails only because of the key)
    String key = Base64.getEncoder().encodeToString(randomBytes(32));

    // when
    Process process = start(Map.of("DYNAGATE_ENCRYPTION_KEYS", "k1:" + key));
    try {
      // then
      await()
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> !process.isAlive() || output().contains(" started in "));
      assertTrue(process.isAlive(), () -> "exited with " + process.exitValue());
      assertTrue(output().contains("Profile prod activated"), "not the prod profile");
    } finally {
      stop(process);
    }
  }

  @Test
  void productionStartWithAJwtIssuerButNoAudienceFailsNamingTheSetting() throws Exception {
    // given an issuer (unreachable: the check must not depend on it) and no audience
    String key = Base64.getEncoder().encodeToString(randomBytes(32));
    Process process =
        start(
            Map.of(
                "DYNAGATE_ENCRYPTION_KEYS",
                "k1:" + key,
                "DYNAGATE_JWT_ISSUER",
                "https://127.0.0.1:1/realms/integration"));
    try {
      assertTrue(
          process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS),
          () -> "still running after " + START_TIMEOUT);
      assertNotEquals(0, process.exitValue());
      assertTrue(
          output().contains("DYNAGATE_JWT_AUDIENCE must be set"),
          "the message does not name DYNAGATE_JWT_AUDIENCE");
    } finally {
      stop(process);
    }
  }

  @Test
  void productionStartWithAnUnreachableJwtIssuerStillComesUpForApiKeys() throws Exception {
    // given a complete JWT configuration whose issuer is down at start
    String key = Base64.getEncoder().encodeToString(randomBytes(32));
    Process process =
        start(
            Map.of(
                "DYNAGATE_ENCRYPTION_KEYS", "k1:" + key,
                "DYNAGATE_JWT_ISSUER", "https://127.0.0.1:1/realms/integration",
                "DYNAGATE_JWT_AUDIENCE", "dynagate"));
    try {
      await()
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> !process.isAlive() || output().contains(" started in "));
      assertTrue(process.isAlive(), () -> "exited with " + process.exitValue());
    } finally {
      stop(process);
    }
  }

  @Test
  void productionBuildCannotStartTheSandbox() throws Exception {
    // given a working setup that asks for the emulator (and its fixed port)
    String key = Base64.getEncoder().encodeToString(randomBytes(32));
    Process process =
        start(
            Map.of(
                "DYNAGATE_ENCRYPTION_KEYS", "k1:" + key,
                "DYNAGATE_SANDBOX_ENABLED", "true",
                "DYNAGATE_SANDBOX_PORT", "0"));
    try {
      assertTrue(
          process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS),
          () -> "still running after " + START_TIMEOUT + ":\n" + output());
      assertNotEquals(0, process.exitValue(), this::output);
      assertTrue(output().contains("this production build has no sandbox"), this::output);
      assertFalse(output().contains("Sandbox (Dataverse and Entra ID emulator) listening"));
    } finally {
      stop(process);
    }
  }

  private Process start(Map<String, String> dynagateEnv) throws IOException {
    Path jar = runnerJar();
    assertTrue(Files.isRegularFile(jar), () -> jar + " is missing; run ./mvnw package first");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString())
            // An empty working directory: no .env or config/application.properties sneaks in.
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(outputFile().toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("DYNAGATE_"));
    env.put("QUARKUS_PROFILE", "prod");
    env.put("QUARKUS_HTTP_PORT", "0");
    env.put("QUARKUS_MANAGEMENT_PORT", "0");
    env.put("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://localhost:5432/dynagate_test");
    env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://localhost:5432/dynagate_test");
    env.put("QUARKUS_REDIS_HOSTS", "redis://localhost:6379/1");
    env.putAll(dynagateEnv);
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

  private Path outputFile() {
    return workDir.resolve("dynagate.out");
  }

  /** Combined stdout and stderr of the started application so far. */
  private String output() {
    try {
      // Lenient decoding: the process may be in the middle of writing a line.
      return new String(Files.readAllBytes(outputFile()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
