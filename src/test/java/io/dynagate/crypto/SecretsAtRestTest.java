package io.dynagate.crypto;

import static io.dynagate.support.Admin.admin;
import static io.dynagate.support.Admin.createConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.connection.ConnectionService;
import io.dynagate.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.vertx.RunOnVertxContext;
import io.quarkus.test.vertx.UniAsserter;
import jakarta.inject.Inject;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reads PostgreSQL directly: no secret is stored in plain text, and ciphertexts are bound. */
@QuarkusTest
class SecretsAtRestTest {
  @Inject ConnectionService connections;

  private final String secretA = "client-secret-A-" + UUID.randomUUID();
  private final String secretB = "client-secret-B-" + UUID.randomUUID();
  private final String staticToken = "eyJstatic-" + UUID.randomUUID();

  @BeforeEach
  void seed() {
    Db.clean();
    createConnection("conn-a", secretA);
    createConnection("conn-b", secretB);
    admin()
        .body(
            Map.of(
                "id",
                "conn-s",
                "orgUrl",
                "https://s.crm.dynamics.com",
                "auth",
                Map.of("type", "static_token", "accessToken", staticToken)))
        .post("/admin/v1/connections")
        .then()
        .statusCode(201);
  }

  @Test
  void noSecretOrTokenIsStoredInPlainText() {
    String dump = Db.dumpRegistry();
    for (String plain : List.of(secretA, secretB, staticToken)) {
      assertFalse(dump.contains(plain), "plain secret found in the registry tables");
      String b64 = Base64.getEncoder().encodeToString(plain.getBytes());
      assertFalse(dump.contains(b64), "base64 of a secret found in the registry tables");
    }
    List<List<String>> rows =
        Db.rows("select connection_id, field, ciphertext from connection_secrets order by 1");
    assertEquals(3, rows.size());
    for (List<String> r : rows) {
      assertTrue(r.get(2).startsWith("test:"), "ciphertext carries the encrypting key id");
    }
  }

  @Test
  @RunOnVertxContext
  void storedSecretsDecryptForTheirOwnRow(UniAsserter asserter) {
    asserter.assertThat(
        () -> connections.secret("conn-a", SecretField.CLIENT_SECRET),
        s -> assertEquals(Optional.of(Secret.of(secretA)), s));
    asserter.assertThat(
        () -> connections.secret("conn-s", SecretField.STATIC_TOKEN),
        s -> assertEquals(Optional.of(Secret.of(staticToken)), s));
  }

  @Test
  @RunOnVertxContext
  void swappingCiphertextsBetweenRowsMakesDecryptionFail(UniAsserter asserter) {
    String a = ciphertext("conn-a");
    String b = ciphertext("conn-b");
    Db.update("update connection_secrets set ciphertext = ? where connection_id = 'conn-a'", b);
    Db.update("update connection_secrets set ciphertext = ? where connection_id = 'conn-b'", a);
    asserter.assertFailedWith(
        () -> connections.secret("conn-a", SecretField.CLIENT_SECRET),
        e -> assertInstanceOf(DecryptionFailedException.class, e));
    asserter.assertFailedWith(
        () -> connections.secret("conn-b", SecretField.CLIENT_SECRET),
        e -> assertInstanceOf(DecryptionFailedException.class, e));
  }

  @Test
  @RunOnVertxContext
  void aCiphertextMovedToAnotherFieldFailsToDecrypt(UniAsserter asserter) {
    Db.update(
        "insert into connection_secrets (connection_id, field, ciphertext, updated_at)"
            + " values ('conn-a', 'refresh_token', ?, now())",
        ciphertext("conn-a"));
    asserter.assertFailedWith(
        () -> connections.secret("conn-a", SecretField.REFRESH_TOKEN),
        e -> assertInstanceOf(DecryptionFailedException.class, e));
  }

  private static String ciphertext(String connectionId) {
    return Db.rows(
            "select ciphertext from connection_secrets where connection_id = ?", connectionId)
        .get(0)
        .get(0);
  }
}
