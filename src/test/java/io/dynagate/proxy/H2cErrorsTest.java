package io.dynagate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.dynagate.support.Admin;
import io.dynagate.support.ScriptedUpstream;
import io.dynagate.support.ScriptedUpstream.Body;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Gateway-made errors over cleartext HTTP/2 ({@code h2c}, which Java's {@link HttpClient} reaches
 * by an {@code Upgrade} on the first request): they arrive as proper responses with the contract's
 * JSON error body — not as a {@code PROTOCOL_ERROR}, a {@code GOAWAY} or an {@link IOException} —
 * and the HTTP/2 connection they travelled on stays usable for the next request. A counting TCP
 * relay in front of the gateway shows whether the client had to open a second connection. An
 * upstream failure mid-body resets the stream: the client's body read fails.
 */
@QuarkusTest
class H2cErrorsTest {
  private static final String V = "/api/data/v9.2/";

  @TestHTTPResource("/")
  URL gateway;

  private ScriptedUpstream upstream;
  private Relay relay;
  private String connection;
  private String key;

  /** One gateway-made error: how to send it and what must arrive. */
  record Case(String name, int status, String code, Function<H2cErrorsTest, HttpRequest> request) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> errors() {
    return Stream.of(
        new Case("no API key", 401, "unauthenticated", t -> t.get(t.entities(), null)),
        new Case(
            "no API key, POST with a body",
            401,
            "unauthenticated",
            t -> t.post(t.entities(), null, "{\"name\":\"no key\"}")),
        new Case(
            "read grant, POST with a body",
            403,
            "forbidden",
            t -> t.post(t.entities(), t.key, "{\"name\":\"read only\"}")),
        new Case(
            "path outside the API",
            400,
            "path_not_allowed",
            t -> t.get("/proxy/" + t.connection + "/notapi", t.key)),
        new Case(
            "unknown connection",
            404,
            "connection_not_found",
            t -> t.get("/proxy/no-such-" + UUID.randomUUID() + V + "accounts", t.key)));
  }

  @BeforeEach
  void setUp() throws IOException {
    upstream =
        ScriptedUpstream.start(
            ex -> {
              String line = ex.requestLines().get(ex.requestLines().size() - 1);
              if (line.contains("/broken")) {
                String type =
                    line.contains("json") ? "application/json" : "application/octet-stream";
                Body source = type.equals("application/json") ? Body.JSON : Body.BINARY;
                ex.head(200, "Content-Type: " + type, "Content-Length: " + 1024 * 1024);
                ex.body(source, 64 * 1024, 16 * 1024, false);
                ex.reset();
                return;
              }
              byte[] body = "{\"value\":[]}".getBytes(StandardCharsets.US_ASCII);
              ex.head(
                  200,
                  "Content-Type: application/json; odata.metadata=minimal",
                  "OData-Version: 4.0",
                  "Content-Length: " + body.length);
              ex.raw(body);
            });
    relay = new Relay(gateway.getPort());
    Admin.Caller caller = Admin.staticTokenCaller("h2c", upstream.url(), "read");
    connection = caller.connection();
    key = caller.key();
  }

  @AfterEach
  void tearDown() {
    relay.close();
    upstream.close();
  }

  @Test
  void aSuccessfulGetUpgradesToHttp2() throws Exception {
    HttpClient client = h2();
    HttpResponse<String> response = client.send(get(entities(), key), BodyHandlers.ofString());

    assertEquals(200, response.statusCode(), response.body());
    assertEquals(HttpClient.Version.HTTP_2, response.version(), "h2c upgrade accepted");
    assertEquals("{\"value\":[]}", response.body());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void anErrorOnAnHttp2ConnectionIsAProperResponseAndTheConnectionLives(Case c) throws Exception {
    HttpClient client = h2();
    assertSuccess(client); // the upgrade: from here on the client speaks HTTP/2

    HttpResponse<String> error = send(client, c);
    assertProblem(c, error);
    assertSuccess(client);

    assertEquals(1, relay.accepted(), "one TCP connection for all three requests");
    assertEquals(2, upstream.requests(), "only the two successful GETs reached Dataverse");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void anErrorAnsweringTheUpgradeRequestIsAProperResponse(Case c) throws Exception {
    HttpClient client = h2();

    HttpResponse<String> error = send(client, c);
    assertProblem(c, error);
    assertSuccess(client);
    assertEquals(1, upstream.requests(), "only the successful GET reached Dataverse");
  }

  @Test
  void errorsAndSuccessesOneAfterAnotherShareOneHttp2Connection() throws Exception {
    HttpClient client = h2();
    assertSuccess(client);
    List<Case> all = errors().toList();
    for (Case c : all) {
      assertProblem(c, send(client, c));
    }
    assertSuccess(client);
    for (Case c : all) {
      assertProblem(c, send(client, c));
      assertSuccess(client);
    }

    assertEquals(1, relay.accepted(), "one TCP connection for the whole sequence");
    assertEquals(2 + all.size(), upstream.requests(), "only the successful GETs reached Dataverse");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"binary", "json"})
  void anUpstreamResetMidBodyFailsTheHttp2BodyRead(String type) throws Exception {
    HttpClient client = h2();
    assertSuccess(client);

    HttpRequest broken = get("/proxy/" + connection + V + "broken_" + type, key);
    HttpResponse<byte[]> r;
    try {
      r = client.send(broken, BodyHandlers.ofByteArray());
    } catch (IOException expected) {
      assertEquals(2, upstream.requests(), "the download reached Dataverse: " + expected);
      return;
    }
    fail(
        "a complete-looking body of "
            + r.body().length
            + " bytes (status "
            + r.statusCode()
            + ", "
            + r.version()
            + ") instead of a failed read; upstream: "
            + upstream.seen());
  }

  // --- helpers -------------------------------------------------------------------------------

  private static HttpClient h2() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_2)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private void assertSuccess(HttpClient client) throws Exception {
    HttpResponse<String> ok = client.send(get(entities(), key), BodyHandlers.ofString());
    assertEquals(200, ok.statusCode(), ok.body());
    assertEquals(HttpClient.Version.HTTP_2, ok.version(), "the successful GET went over HTTP/2");
    assertEquals("{\"value\":[]}", ok.body());
  }

  private HttpResponse<String> send(HttpClient client, Case c) throws Exception {
    try {
      return client.send(c.request().apply(this), BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(c + ": the error did not arrive as a response: " + e, e);
    }
  }

  private static void assertProblem(Case c, HttpResponse<String> r) {
    assertEquals(c.status(), r.statusCode(), c + ": " + r.body());
    assertEquals(HttpClient.Version.HTTP_2, r.version(), c + ": over HTTP/2");
    String type = r.headers().firstValue("Content-Type").orElse("");
    assertTrue(type.startsWith("application/json"), c + ": Content-Type " + type);
    assertEquals("dynagate." + c.code(), JsonPath.from(r.body()).getString("error.code"), c.name());
    assertEquals(c.code(), r.headers().firstValue("X-Dynagate-Error").orElse(null), c.name());
  }

  String entities() {
    return "/proxy/" + connection + V + "accounts?$top=1";
  }

  HttpRequest get(String path, String apiKey) {
    HttpRequest.Builder b = base(path).GET();
    if (apiKey != null) {
      b.header("X-Api-Key", apiKey);
    }
    return b.build();
  }

  HttpRequest post(String path, String apiKey, String json) {
    HttpRequest.Builder b =
        base(path)
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    if (apiKey != null) {
      b.header("X-Api-Key", apiKey);
    }
    return b.build();
  }

  private HttpRequest.Builder base(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.port() + path))
        .timeout(Duration.ofSeconds(15))
        .header("Accept", "application/json")
        .header("X-Request-Id", "h2c-" + UUID.randomUUID());
  }

  /**
   * A TCP relay on {@code 127.0.0.1} (port 0) in front of the gateway that counts the connections
   * clients open, so a test sees whether an HTTP/2 connection survived or was silently replaced.
   */
  private static final class Relay {
    private final ServerSocket server;
    private final int target;
    private final AtomicInteger accepted = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    Relay(int target) throws IOException {
      this.target = target;
      server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
      Thread t = new Thread(this::accept, "h2c-relay-accept");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    int accepted() {
      return accepted.get();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          accepted.incrementAndGet();
          Socket gw = new Socket(InetAddress.getByName("127.0.0.1"), target);
          open.add(client);
          open.add(gw);
          pump(client, gw);
          pump(gw, client);
        } catch (IOException e) {
          return;
        }
      }
    }

    private void pump(Socket from, Socket to) {
      Thread t =
          new Thread(
              () -> {
                byte[] buffer = new byte[64 * 1024];
                try {
                  InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream();
                  for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                  }
                  to.shutdownOutput();
                } catch (IOException e) {
                  closeQuietly(from);
                  closeQuietly(to);
                }
              },
              "h2c-relay-pump");
      t.setDaemon(true);
      t.start();
    }

    void close() {
      closeQuietly(server);
      open.forEach(Relay::closeQuietly);
    }

    private static void closeQuietly(java.io.Closeable c) {
      try {
        c.close();
      } catch (IOException e) {
        // already gone
      }
    }
  }
}
