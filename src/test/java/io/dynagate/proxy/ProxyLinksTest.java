package io.dynagate.proxy;

import static io.dynagate.support.Admin.admin;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.Admin;
import io.dynagate.support.FrontDoor;
import io.dynagate.support.LogCapture;
import io.dynagate.support.RawHttp;
import io.dynagate.support.RawHttp.Reply;
import io.dynagate.support.RealClientsProfile;
import io.dynagate.support.Sandbox;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Links in answers lead back to the gateway on the base the caller used ({@code
 * DYNAGATE_PUBLIC_BASE_URL} lists {@code http://127.0.0.1:P} and {@code http://localhost:P}, P the
 * {@link FrontDoor}), inside {@code $batch} answers too; privileged calls are named in the access
 * line.
 */
@QuarkusTest
@TestProfile(RealClientsProfile.class)
class ProxyLinksTest {
  private static final String CONN = "links";
  private static final String V = "/api/data/v9.2/";

  @Inject SandboxLifecycle sandboxLifecycle;
  @Inject RedisDataSource redis;

  private Sandbox sandbox;
  private String key;
  private LogCapture logs;

  @BeforeEach
  void setUp() {
    sandbox = Sandbox.cleanSlate(sandboxLifecycle, redis);
    admin().body(sandbox.connection(CONN)).post("/admin/v1/connections").then().statusCode(201);
    admin()
        .body(Map.of("access", "full", "privileges", List.of("bypassBusinessLogic")))
        .put("/admin/v1/connections/" + CONN + "/grants/links-engine")
        .then()
        .statusCode(200);
    key = Admin.createKey("links-engine", "caller");
    logs = LogCapture.install();
  }

  @AfterEach
  void tearDown() {
    logs.uninstall();
  }

  private Reply send(String method, String target, String host, List<String> extra, String body)
      throws IOException {
    List<String> headers = new ArrayList<>();
    headers.add("Host: " + host);
    headers.add("X-Api-Key: " + key);
    headers.add("Accept: application/json");
    headers.addAll(extra);
    return RawHttp.exchange(
        FrontDoor.port(),
        method,
        target,
        headers,
        body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "Host {0} -> links on {1}")
  @CsvSource({
    "127.0.0.1:{port}, http://127.0.0.1:{port}",
    "localhost:{port}, http://localhost:{port}",
    "LOCALHOST:{port}, http://localhost:{port}",
    "localhost:1, http://127.0.0.1:{port}",
    "gw.evil.example, http://127.0.0.1:{port}",
  })
  void linksAreWrittenOnTheBaseTheCallerNamedElseTheFirst(String host, String base)
      throws IOException {
    String port = String.valueOf(FrontDoor.port());
    Reply reply =
        send(
            "GET",
            "/proxy/" + CONN + V + "accounts?$select=name",
            host.replace("{port}", port),
            List.of("Prefer: odata.maxpagesize=2", "X-Forwarded-Host: gw.evil.example"),
            null);

    assertEquals(200, reply.status(), reply.body());
    String prefix = base.replace("{port}", port) + "/proxy/" + CONN + V;
    JsonPath page = JsonPath.from(reply.body());
    assertTrue(page.getString("'@odata.nextLink'").startsWith(prefix), reply.body());
    assertTrue(page.getString("'@odata.context'").startsWith(prefix + "$metadata#"));
    assertFalse(reply.body().contains(sandbox.baseUrl()), "no link at the org: " + reply.body());
  }

  @Test
  void partsOfABatchAnswerPointBackAtTheGateway() throws IOException {
    String base = FrontDoor.baseUrl() + "/proxy/" + CONN;
    String id = UUID.randomUUID().toString();
    String body =
        "--b\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n"
            + "--c\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n"
            + "Content-ID: 1\r\n\r\n"
            + "POST "
            + base
            + V
            + "accounts HTTP/1.1\r\nContent-Type: application/json\r\n\r\n"
            + "{\"name\":\"batch links\",\"accountid\":\""
            + id
            + "\"}\r\n"
            + "--c\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n"
            + "Content-ID: 2\r\n\r\n"
            + "POST "
            + base
            + V
            + "accounts HTTP/1.1\r\nContent-Type: application/json\r\n"
            + "Prefer: return=representation\r\n\r\n{\"name\":\"batch links 2\"}\r\n"
            + "--c--\r\n"
            + "--b\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
            + "GET "
            + base
            + V
            + "accounts?$select=name HTTP/1.1\r\nAccept: application/json\r\n"
            + "Prefer: odata.maxpagesize=1\r\n\r\n\r\n"
            + "--b--\r\n";

    Reply reply =
        send(
            "POST",
            "/proxy/" + CONN + V + "$batch",
            "127.0.0.1:" + FrontDoor.port(),
            List.of("Content-Type: multipart/mixed; boundary=b"),
            body);

    assertEquals(200, reply.status(), reply.body());
    String answer = reply.body();
    String prefix = FrontDoor.baseUrl() + "/proxy/" + CONN + V;
    assertTrue(
        answer.contains("OData-EntityId: " + prefix + "accounts(" + id + ")"),
        "the part's OData-EntityId: " + answer);
    assertTrue(answer.contains("Location: " + prefix + "accounts("), "Location: " + answer);
    assertTrue(answer.contains("\"@odata.nextLink\":\"" + prefix + "accounts?"), answer);
    assertFalse(answer.contains(sandbox.baseUrl()), "no link at the org is left: " + answer);
  }

  @Test
  void aPrivilegedCallIsNamedInTheAccessLine() throws IOException {
    String requestId = "privileged-" + UUID.randomUUID();
    Reply reply =
        send(
            "PATCH",
            "/proxy/" + CONN + V + "accounts(0f9d6f4a-1c2b-4e8a-9f10-000000000001)",
            "127.0.0.1:" + FrontDoor.port(),
            List.of(
                "Content-Type: application/json",
                "MSCRM.BypassCustomPluginExecution: true",
                "X-Request-Id: " + requestId),
            "{\"telephone1\":\"555-0100\"}");

    assertEquals(204, reply.status(), reply.body());
    String marker = "proxy requestId=" + requestId + " ";
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> logs.text().lines().anyMatch(l -> l.contains(marker)));
    String line = logs.text().lines().filter(l -> l.contains(marker)).findFirst().orElseThrow();
    assertTrue(line.contains(" privileges=bypassBusinessLogic "), line);
    assertTrue(line.contains(" decision=allowed grant=links-engine "), line);
  }
}
