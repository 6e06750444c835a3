package io.dynagate.crypto;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.support.PackagedGateway;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the packaged application ({@code target/quarkus-app}) the way an operator does, in the
 * prod profile, and checks that a missing or unusable {@code DYNAGATE_ENCRYPTION_KEYS} stops the
 * start with a message that names the setting and never quotes key material.
 *
 * <p>Everything else is a working setup (the test database and Redis, see {@link PackagedGateway}),
 * so the key is the only reason to fail; the valid-key case proves that.
 */
class ProductionStartIT {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path workDir;

  @Test
  void productionStartWithoutEncryptionKeysFailsNamingTheSetting() throws Exception {
    // given no DYNAGATE_* variable at all
    Map<String, String> env = Map.of();

    // when
    try (PackagedGateway gateway = start(env)) {
      // then
      assertTrue(
          gateway.awaitExit(START_TIMEOUT),
          () -> "still running after " + START_TIMEOUT + ":\n" + gateway.output());
      assertNotEquals(0, gateway.exitValue(), gateway::output);
      assertTrue(gateway.output().contains("DYNAGATE_ENCRYPTION_KEYS is not set"), gateway::output);
    }
  }

  @Test
  void productionStartWithShortKeyFailsWithoutEchoingTheKey() throws Exception {
    // given a well-formed entry whose key is AES-128 sized
    String key = PackagedGateway.randomKey(16);

    // when
    try (PackagedGateway gateway = start(Map.of("DYNAGATE_ENCRYPTION_KEYS", "k1:" + key))) {
      // then
      assertTrue(gateway.awaitExit(START_TIMEOUT), () -> "still running after " + START_TIMEOUT);
      assertNotEquals(0, gateway.exitValue());
      String output = gateway.output();
      // The output is not printed on failure: it might hold the key this test checks for.
      assertTrue(
          output.contains("must be 32 bytes"), "the message does not say 'must be 32 bytes'");
      assertFalse(output.contains(key), "the output quotes the key");
    }
  }

  @Test
  void productionStartWithValidKeyComesUp() throws Exception {
    // given a valid key (the control: the same setup otherwise fails only because of the key)
    String key = PackagedGateway.randomKey(32);

    // when
    try (PackagedGateway gateway = start(Map.of("DYNAGATE_ENCRYPTION_KEYS", "k1:" + key))) {
      // then
      assertTrue(gateway.awaitStarted(START_TIMEOUT), () -> "exited with " + gateway.exitValue());
      assertTrue(gateway.output().contains("Profile prod activated"), "not the prod profile");
    }
  }

  @Test
  void productionStartWithAJwtIssuerButNoAudienceFailsNamingTheSetting() throws Exception {
    // given an issuer (unreachable: the check must not depend on it) and no audience
    String key = PackagedGateway.randomKey(32);
    try (PackagedGateway gateway =
        start(
            Map.of(
                "DYNAGATE_ENCRYPTION_KEYS",
                "k1:" + key,
                "DYNAGATE_JWT_ISSUER",
                "https://127.0.0.1:1/realms/integration"))) {
      assertTrue(gateway.awaitExit(START_TIMEOUT), () -> "still running after " + START_TIMEOUT);
      assertNotEquals(0, gateway.exitValue());
      assertTrue(
          gateway.output().contains("DYNAGATE_JWT_AUDIENCE must be set"),
          "the message does not name DYNAGATE_JWT_AUDIENCE");
    }
  }

  @Test
  void productionStartWithAnUnreachableJwtIssuerStillComesUpForApiKeys() throws Exception {
    // given a complete JWT configuration whose issuer is down at start
    String key = PackagedGateway.randomKey(32);
    try (PackagedGateway gateway =
        start(
            Map.of(
                "DYNAGATE_ENCRYPTION_KEYS", "k1:" + key,
                "DYNAGATE_JWT_ISSUER", "https://127.0.0.1:1/realms/integration",
                "DYNAGATE_JWT_AUDIENCE", "dynagate"))) {
      assertTrue(gateway.awaitStarted(START_TIMEOUT), () -> "exited with " + gateway.exitValue());
    }
  }

  @Test
  void productionBuildCannotStartTheSandbox() throws Exception {
    // given a working setup that asks for the emulator (and its fixed port)
    String key = PackagedGateway.randomKey(32);
    try (PackagedGateway gateway =
        start(
            Map.of(
                "DYNAGATE_ENCRYPTION_KEYS", "k1:" + key,
                "DYNAGATE_SANDBOX_ENABLED", "true",
                "DYNAGATE_SANDBOX_PORT", "0"))) {
      assertTrue(
          gateway.awaitExit(START_TIMEOUT),
          () -> "still running after " + START_TIMEOUT + ":\n" + gateway.output());
      assertNotEquals(0, gateway.exitValue(), gateway::output);
      assertTrue(
          gateway.output().contains("this production build has no sandbox"), gateway::output);
      assertFalse(gateway.output().contains("Sandbox (Dataverse and Entra ID emulator) listening"));
    }
  }

  /** An empty working directory: no .env or config/application.properties sneaks in. */
  private PackagedGateway start(Map<String, String> dynagateEnv) throws IOException {
    return PackagedGateway.in(workDir).env(dynagateEnv).start();
  }
}
