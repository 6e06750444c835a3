package io.dynagate.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.connection.ConnectionValidator;
import io.dynagate.crypto.Secret;
import io.dynagate.crypto.SecretField;
import io.dynagate.problem.FieldError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading, resolving and checking a provisioning file: pure, no Quarkus. */
class ProvisioningPlanTest {
  private static final ConnectionValidator VALIDATOR =
      new ConnectionValidator(
          List.of("*.dynamics.com"), List.of("login.microsoftonline.com"), false);
  private static final String HASH = "a".repeat(64);
  private static final String SECRET = "s3cr3t-value-that-must-never-be-printed";

  @TempDir Path dir;

  private final Map<String, String> env =
      Map.of("CONTOSO_CLIENT_SECRET", SECRET, "ENGINE_API_KEY_SHA256", HASH.toUpperCase());

  private ProvisioningPlan load(String yaml) throws Exception {
    return load("provisioning.yaml", yaml);
  }

  private ProvisioningPlan load(String name, String content) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return ProvisioningPlan.load(file, VALIDATOR, env::get);
  }

  private ProvisioningRefused refused(String yaml) {
    return assertThrows(ProvisioningRefused.class, () -> load(yaml));
  }

  private static String agreedFormat(String clientSecret) {
    return """
        connections:
          - id: contoso
            displayName: Contoso CRM
            orgUrl: https://Contoso.crm4.dynamics.com/
            auth:
              type: client_credentials
              tenantId: 00000000-0000-0000-0000-000000000000
              clientId: 11111111-1111-1111-1111-111111111111
              clientSecret: %s
            grants:
              engine:
                access: write
                entitySets: [accounts, contacts]
        apiKeys:
          - principal: engine
            roles: [caller]
            keyHash: {env: ENGINE_API_KEY_SHA256}
        """
        .formatted(clientSecret);
  }

  @Test
  void theAgreedFormatResolvesItsReferencesAndNormalisesLikeTheAdminApi() throws Exception {
    ProvisioningPlan plan = load(agreedFormat("{env: CONTOSO_CLIENT_SECRET}"));

    assertEquals(1, plan.connections().size());
    ProvisioningPlan.ConnectionPlan c = plan.connections().get(0);
    assertEquals("contoso", c.id());
    assertEquals("https://contoso.crm4.dynamics.com", c.valid().orgUrl());
    assertEquals(Secret.of(SECRET), c.valid().secretsToWrite().get(SecretField.CLIENT_SECRET));
    assertEquals("write", c.validGrants().get("engine").access().wire());
    assertEquals(List.of("accounts", "contacts"), c.validGrants().get("engine").entitySets());
    assertEquals(1, plan.keys().size());
    assertEquals(HASH, plan.keys().get(0).keyHash(), "hex is stored lower-case");
    assertEquals("engine", plan.keys().get(0).spec().principal());
  }

  @Test
  void aFileReferenceLosesItsTrailingNewline() throws Exception {
    Path secret = dir.resolve("client-secret");
    Files.writeString(secret, SECRET + "\n");

    ProvisioningPlan plan = load(agreedFormat("{file: " + secret + "}"));

    assertEquals(
        Secret.of(SECRET),
        plan.connections().get(0).valid().secretsToWrite().get(SecretField.CLIENT_SECRET));
  }

  @Test
  void aJsonFileIsReadAsJson() throws Exception {
    ProvisioningPlan plan =
        load("p.json", "{\"apiKeys\":[{\"principal\":\"engine\",\"keyHash\":\"" + HASH + "\"}]}");

    assertEquals("engine", plan.keys().get(0).spec().principal());
    assertEquals(HASH, plan.keys().get(0).keyHash());
    assertTrue(plan.connections().isEmpty());
  }

  @Test
  void aLiteralSecretIsRefusedWithItsPathAndWithoutItsValue() {
    ProvisioningRefused e = refused(agreedFormat(SECRET));

    assertEquals(
        List.of(
            new FieldError(
                "connections[0].auth.clientSecret",
                "is a secret: give it as {env: NAME} or {file: PATH}, a literal value is refused")),
        e.errors());
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    assertTrue(e.getMessage().startsWith("Provisioning file " + dir.resolve("provisioning.yaml")));
  }

  @Test
  void aMissingVariableOrFileIsNamedButNothingIsQuoted() {
    ProvisioningRefused env = refused(agreedFormat("{env: NOT_SET_ANYWHERE}"));
    assertEquals(
        "connections[0].auth.clientSecret: environment variable NOT_SET_ANYWHERE is not set",
        line(env.errors().get(0)));

    ProvisioningRefused file = refused(agreedFormat("{file: " + dir.resolve("absent") + "}"));
    assertEquals(
        "connections[0].auth.clientSecret: file "
            + dir.resolve("absent")
            + " cannot be read (NoSuchFileException)",
        line(file.errors().get(0)));
  }

  @Test
  void aReferenceOfAnotherShapeIsRefused() {
    ProvisioningRefused e = refused(agreedFormat("{vault: secret/contoso}"));

    assertEquals(
        "connections[0].auth.clientSecret: must be {env: NAME} or {file: PATH}",
        line(e.errors().get(0)));
  }

  @Test
  void anUnknownFieldIsRefusedWithItsPath() {
    ProvisioningRefused e =
        refused(agreedFormat("{env: CONTOSO_CLIENT_SECRET}").replace("entitySets:", "entitySet:"));

    assertEquals(
        "connections[0].grants.engine.entitySet: is not a known field", line(e.errors().get(0)));
  }

  @Test
  void invalidValuesGetTheAdminApisMessagesUnderTheirPaths() {
    ProvisioningRefused e =
        refused(
            agreedFormat("{env: CONTOSO_CLIENT_SECRET}")
                    .replace("https://Contoso.crm4.dynamics.com/", "https://evil.example.com")
                    .replace("access: write", "access: admin")
                + """
                  - principal: "group:ops"
                    keyHash: not-a-hash
                """);

    assertEquals(
        List.of(
            "connections[0].orgUrl: host is not an allowed Dataverse host",
            "connections[0].grants.engine.access: must be read, write or full",
            "apiKeys[1].principal: must not start with group:",
            "apiKeys[1].keyHash: must be 64 hex digits: the SHA-256 of the key (sha256sum's first"
                + " field)"),
        e.errors().stream().map(ProvisioningPlanTest::line).toList());
  }

  @Test
  void aConnectionNeedsAnIdAndEachIdAndHashIsListedOnce() {
    ProvisioningRefused e =
        refused(
            """
            connections:
              - orgUrl: https://a.crm.dynamics.com
                auth: {type: static_token, accessToken: {env: CONTOSO_CLIENT_SECRET}}
              - id: a
                orgUrl: https://a.crm.dynamics.com
                auth: {type: static_token, accessToken: {env: CONTOSO_CLIENT_SECRET}}
              - id: a
                orgUrl: https://a.crm.dynamics.com
                auth: {type: static_token, accessToken: {env: CONTOSO_CLIENT_SECRET}}
            apiKeys:
              - {principal: one, keyHash: %s}
              - {principal: two, keyHash: %s}
            """
                .formatted(HASH, HASH.toUpperCase()));

    assertEquals(
        List.of(
            "connections[0].id: is required (a provisioned connection is named)",
            "connections[2].id: is listed twice",
            "apiKeys[1].keyHash: is listed twice"),
        e.errors().stream().map(ProvisioningPlanTest::line).toList());
  }

  @Test
  void aSyntaxErrorGivesTheLineNotTheContent() {
    ProvisioningRefused e =
        refused("connections:\n  - id: contoso\n    auth: {clientSecret: " + SECRET + "\n");

    assertEquals(1, e.errors().size());
    assertTrue(
        line(e.errors().get(0))
            .matches("\\(file\\): is not valid YAML or JSON \\(line \\d+, column \\d+\\)"),
        line(e.errors().get(0)));
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
  }

  @Test
  void aMissingProvisioningFileIsRefused() {
    Path absent = dir.resolve("none.yaml");
    ProvisioningRefused e =
        assertThrows(
            ProvisioningRefused.class, () -> ProvisioningPlan.load(absent, VALIDATOR, env::get));

    assertEquals("(file): cannot be read (NoSuchFileException)", line(e.errors().get(0)));
  }

  @Test
  void theMessageIsOneLineWhateverAKeyHolds() {
    ProvisioningRefused e =
        refused(
            agreedFormat("{env: CONTOSO_CLIENT_SECRET}")
                .replace("      engine:", "      \"en\\ngine\":"));

    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().contains("connections[0].grants.en?gine"), e.getMessage());
  }

  private static String line(FieldError e) {
    return e.field() + ": " + e.message();
  }
}
