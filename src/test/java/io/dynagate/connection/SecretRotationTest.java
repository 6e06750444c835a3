package io.dynagate.connection;

import static io.dynagate.support.Admin.admin;
import static io.dynagate.support.Admin.as;
import static io.dynagate.support.Admin.createConnection;
import static io.dynagate.support.Admin.createKey;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.audit.Actor;
import io.dynagate.crypto.EncryptionKeyRing;
import io.dynagate.crypto.Secret;
import io.dynagate.crypto.SecretCipher;
import io.dynagate.crypto.SecretField;
import io.dynagate.support.Db;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.vertx.RunOnVertxContext;
import io.quarkus.test.vertx.UniAsserter;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Secrets planted under the old test key {@code older} are re-encrypted with the primary {@code
 * test} through {@code POST /admin/v1/encryption-keys/rotate}; PostgreSQL is read to check.
 */
@QuarkusTest
class SecretRotationTest {
  private static final String KEYS_PATH = "/admin/v1/encryption-keys";
  private static final String ROTATE_PATH = KEYS_PATH + "/rotate";

  @Inject ConnectionService connections;
  @Inject SecretRotationService rotation;

  /** Encrypts like a gateway whose only key is the old one. */
  private SecretCipher older;

  /** Decrypts with every configured key, to read what the gateway stored. */
  private SecretCipher all;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String connA = "rot-a-" + suffix;
  private final String connB = "rot-b-" + suffix;
  private final String connCurrent = "rot-c-" + suffix;
  private final String secretA = "secret-A-" + UUID.randomUUID();
  private final String secretB = "secret-B-" + UUID.randomUUID();
  private final String refreshA = "refresh-A-" + UUID.randomUUID();

  @BeforeEach
  void plantSecretsUnderTheOldKey() {
    older = new SecretCipher(EncryptionKeyRing.parse(configured("older")));
    all = new SecretCipher(EncryptionKeyRing.parse(configuredKeys()));
    Db.clean();
    createConnection(connA, "replaced-below");
    createConnection(connB, "replaced-below");
    createConnection(connCurrent, "stays-under-test");
    plant(
        connA,
        SecretField.CLIENT_SECRET,
        older.encrypt(Secret.of(secretA), connA, SecretField.CLIENT_SECRET));
    plant(
        connB,
        SecretField.CLIENT_SECRET,
        older.encrypt(Secret.of(secretB), connB, SecretField.CLIENT_SECRET));
    Db.update(
        "insert into connection_secrets (connection_id, field, ciphertext, version, updated_at)"
            + " values (?, 'refresh_token', ?, 7, now())",
        connA,
        older.encrypt(Secret.of(refreshA), connA, SecretField.REFRESH_TOKEN));
  }

  @Test
  void listingCountsStoredSecretsPerKeyId() {
    admin()
        .get(KEYS_PATH)
        .then()
        .statusCode(200)
        .body("primaryKeyId", equalTo("test"))
        .body("configuredKeyIds", equalTo(List.of("test", "older")))
        .body("storedByKeyId", equalTo(Map.of("test", 1, "older", 3)));
  }

  @Test
  void rotateReEncryptsOldKeySecretsWithThePrimaryKey() {
    rotate()
        .body("primaryKeyId", equalTo("test"))
        .body("reEncrypted", equalTo(3))
        .body("alreadyCurrent", equalTo(1))
        .body("skippedConcurrent", equalTo(0))
        .body("failed", equalTo(0))
        .body("failures", empty())
        .body("remainingByKeyId", equalTo(Map.of("older", 0)));
    admin()
        .get(KEYS_PATH)
        .then()
        .statusCode(200)
        .body("storedByKeyId", equalTo(Map.of("test", 4, "older", 0)));

    for (List<String> row : Db.rows("select ciphertext from connection_secrets")) {
      assertTrue(row.get(0).startsWith("test:"), "every secret is under the primary key now");
    }
    assertEquals(Secret.of(secretA), stored(connA, SecretField.CLIENT_SECRET));
    assertEquals(Secret.of(secretB), stored(connB, SecretField.CLIENT_SECRET));
    assertEquals(Secret.of(refreshA), stored(connA, SecretField.REFRESH_TOKEN));
    assertFalse(Db.dumpRegistry().contains(secretA), "no plain value written");
  }

  @Test
  @RunOnVertxContext
  void reEncryptedSecretsStillWorkAndAPendingRefreshStillStoresItsToken(UniAsserter asserter) {
    Secret newRefresh = Secret.of("refresh-new-" + UUID.randomUUID());
    asserter.assertThat(
        () -> rotation.rotate(Actor.PROVISIONING), r -> assertEquals(3, r.reEncrypted()));
    asserter.assertThat(
        () -> connections.secret(connA, SecretField.CLIENT_SECRET),
        s -> assertEquals(Optional.of(Secret.of(secretA)), s));
    asserter.assertThat(
        () -> connections.refreshToken(connA),
        s -> assertEquals(Optional.of(new StoredSecret(Secret.of(refreshA), 7)), s));
    // A refresher that read version 7 before the rotation must still store what the IdP returned.
    asserter.assertThat(
        () -> connections.rotateRefreshToken(connA, newRefresh, 7), written -> assertTrue(written));
    asserter.assertThat(
        () -> connections.refreshToken(connA),
        s -> assertEquals(Optional.of(new StoredSecret(newRefresh, 8)), s));
  }

  @Test
  @RunOnVertxContext
  void aRowWrittenWhileTheRotationReadItIsLeftToItsWriter(UniAsserter asserter) {
    // The rotation read the row, then a concurrent write (a refresh, a patch) replaced it.
    ConnectionSecretEntity stale = rowAsReadNow(connB, SecretField.CLIENT_SECRET);
    Db.update(
        "update connection_secrets set ciphertext = ?, version = version + 1"
            + " where connection_id = ? and field = 'client_secret'",
        all.encrypt(Secret.of("secret-B-2"), connB, SecretField.CLIENT_SECRET),
        connB);
    asserter.assertThat(
        () -> Panache.withTransaction(() -> rotation.reEncrypt(stale)),
        o -> assertEquals(SecretRotationService.Outcome.SKIPPED_CONCURRENT, o));
    asserter.assertThat(
        () -> connections.secret(connB, SecretField.CLIENT_SECRET),
        s -> assertEquals(Optional.of(Secret.of("secret-B-2")), s));
  }

  @Test
  void aSecretThatDecryptsWithNoKeyIsReportedAndTheRunGoesOn() {
    String bad = "rot-0-" + suffix; // sorts before the good rows
    createConnection(bad, "replaced-below");
    String garbage = "older:" + Base64.getEncoder().encodeToString(new byte[40]);
    plant(bad, SecretField.CLIENT_SECRET, garbage);
    Db.update(
        "insert into connection_secrets (connection_id, field, ciphertext, updated_at)"
            + " values (?, 'refresh_token', 'gone:AAAA', now())",
        bad);

    String body =
        rotate()
            .body("reEncrypted", equalTo(3))
            .body("failed", equalTo(2))
            .body(
                "failures",
                containsInAnyOrder(
                    Map.of(
                        "connectionId", bad,
                        "field", "client_secret",
                        "reason", "decryption_failed"),
                    Map.of(
                        "connectionId", bad, "field", "refresh_token", "reason", "unknown_key_id")))
            .body("remainingByKeyId", equalTo(Map.of("older", 1, "gone", 1)))
            .extract()
            .asString();
    assertFalse(body.contains(garbage.substring(6)), "a failed value is never echoed");
    assertEquals(
        garbage,
        Db.rows(
                "select ciphertext from connection_secrets where connection_id = ? and field = 'client_secret'",
                bad)
            .get(0)
            .get(0));
    assertEquals(Secret.of(secretB), stored(connB, SecretField.CLIENT_SECRET));
  }

  @Test
  void rotatingTwiceReEncryptsNothingTheSecondTime() {
    rotate().body("reEncrypted", equalTo(3));
    String before =
        Db.rows(
                "select string_agg(ciphertext, ',' order by connection_id, field) from connection_secrets")
            .get(0)
            .get(0);
    rotate()
        .body("reEncrypted", equalTo(0))
        .body("alreadyCurrent", equalTo(4))
        .body("remainingByKeyId", equalTo(Map.of("older", 0)));
    assertEquals(
        before,
        Db.rows(
                "select string_agg(ciphertext, ',' order by connection_id, field) from connection_secrets")
            .get(0)
            .get(0));
  }

  @Test
  void moreRowsThanOneBatchAreAllReEncrypted() throws SQLException {
    int n = SecretRotationService.BATCH_SIZE * 2 + 17;
    try (Connection c = Db.open();
        PreparedStatement conn =
            c.prepareStatement(
                "insert into connections (id, org_url, auth_type, tenant_id, client_id,"
                    + " created_at, updated_at) values (?, 'https://bulk.crm4.dynamics.com',"
                    + " 'client_credentials', 't', 'c', now(), now())");
        PreparedStatement secret =
            c.prepareStatement(
                "insert into connection_secrets (connection_id, field, ciphertext, updated_at)"
                    + " values (?, 'client_secret', ?, now())")) {
      for (int i = 0; i < n; i++) {
        String id = String.format("bulk-%04d-%s", i, suffix);
        conn.setString(1, id);
        conn.addBatch();
        secret.setString(1, id);
        secret.setString(2, older.encrypt(Secret.of("bulk-" + i), id, SecretField.CLIENT_SECRET));
        secret.addBatch();
      }
      conn.executeBatch();
      secret.executeBatch();
    }

    rotate()
        .body("reEncrypted", equalTo(n + 3))
        .body("remainingByKeyId", equalTo(Map.of("older", 0)));
    String last = String.format("bulk-%04d-%s", n - 1, suffix);
    assertEquals(Secret.of("bulk-" + (n - 1)), stored(last, SecretField.CLIENT_SECRET));
  }

  @Test
  void callersAre403AndAnonymousIs401() {
    String callerKey = createKey("engine-1", "caller");
    for (String path : List.of(KEYS_PATH, ROTATE_PATH)) {
      String method = path.equals(KEYS_PATH) ? "GET" : "POST";
      as(callerKey)
          .request(method, path)
          .then()
          .statusCode(403)
          .header("X-Dynagate-Error", "forbidden");
      given()
          .request(method, path)
          .then()
          .statusCode(401)
          .header("X-Dynagate-Error", "unauthenticated");
    }
    assertEquals(
        List.of(List.of("3")),
        Db.rows("select count(*) from connection_secrets where ciphertext like 'older:%'"));
  }

  private static ValidatableResponse rotate() {
    return admin().post(ROTATE_PATH).then().statusCode(200);
  }

  private static void plant(String connectionId, SecretField field, String ciphertext) {
    int n =
        Db.update(
            "update connection_secrets set ciphertext = ? where connection_id = ? and field = ?",
            ciphertext,
            connectionId,
            field.column());
    assertEquals(1, n);
  }

  private Secret stored(String connectionId, SecretField field) {
    String ciphertext =
        Db.rows(
                "select ciphertext from connection_secrets where connection_id = ? and field = ?",
                connectionId,
                field.column())
            .get(0)
            .get(0);
    assertTrue(ciphertext.startsWith("test:"));
    return all.decrypt(ciphertext, connectionId, field);
  }

  /** A detached copy of the row as it is stored now, as the rotation would have read it. */
  private static ConnectionSecretEntity rowAsReadNow(String connectionId, SecretField field) {
    List<String> r =
        Db.rows(
                "select ciphertext, version from connection_secrets"
                    + " where connection_id = ? and field = ?",
                connectionId,
                field.column())
            .get(0);
    ConnectionSecretEntity row = new ConnectionSecretEntity();
    row.connectionId = connectionId;
    row.field = field.column();
    row.ciphertext = r.get(0);
    row.version = Long.parseLong(r.get(1));
    assertNotEquals("", row.ciphertext);
    return row;
  }

  private static String configuredKeys() {
    return ConfigProvider.getConfig().getValue("dynagate.encryption-keys", String.class);
  }

  /** The {@code kid:key} entry of the test profile's key list. */
  private static String configured(String kid) {
    return Arrays.stream(configuredKeys().split(","))
        .map(String::trim)
        .filter(e -> e.startsWith(kid + ":"))
        .findFirst()
        .orElseThrow();
  }
}
