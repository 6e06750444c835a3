package io.dynagate.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.support.PackagedGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
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

    try (PackagedGateway gateway = start(Map.of("DYNAGATE_PROVISIONING_FILE", file.toString()))) {
      assertTrue(gateway.awaitExit(START_TIMEOUT), "still running");
      assertNotEquals(0, gateway.exitValue());
      String output = gateway.output();
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

    try (PackagedGateway gateway =
        start(
            Map.of(
                "DYNAGATE_PROVISIONING_FILE",
                file.toString(),
                "DYNAGATE_ADMIN_ENABLED",
                "false",
                "SIDECAR_TOKEN",
                "sidecar-token-" + UUID.randomUUID()))) {
      assertTrue(gateway.awaitStarted(START_TIMEOUT), gateway::output);
      assertTrue(
          gateway.output().contains("Provisioning file " + file + " applied"), gateway::output);
    }
  }

  private Path write(String yaml) throws IOException {
    Path file = workDir.resolve("provisioning.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  /** A working setup (a valid encryption key) plus {@code extraEnv}. */
  private PackagedGateway start(Map<String, String> extraEnv) throws IOException {
    return PackagedGateway.in(workDir)
        .env("DYNAGATE_ENCRYPTION_KEYS", "k1:" + PackagedGateway.randomKey(32))
        .env(extraEnv)
        .start();
  }
}
