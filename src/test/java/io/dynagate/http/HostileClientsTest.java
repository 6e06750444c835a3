package io.dynagate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.support.Admin;
import io.dynagate.support.LogCapture;
import io.dynagate.support.ScriptedUpstream;
import io.dynagate.support.ScriptedUpstream.Body;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Callers that attack the connection level, on raw sockets: slowloris heads, framing that RFC 9112
 * says must not be guessed, made-up HTTP versions, oversized heads, and callers that leave. Each
 * refused request is checked on both sides: what the caller got, and that nothing reached the
 * upstream (a {@link ScriptedUpstream} that answers 200 to anything that does arrive).
 *
 * <p>The header timeout is 2 s in this profile ({@code dynagate.http.header-timeout}); the proxy's
 * upstream idle timeout is 10 s. The sleeps below are the simulated callers' pace (a dribbled head,
 * an idle kept-alive connection, a slow upload): the elapsed time is the scenario itself, not a
 * wait for a state.
 */
@QuarkusTest
@TestProfile(HostileClientsTest.ShortHeaderTimeout.class)
class HostileClientsTest {
  private static final long TIMEOUT_MS = 2_000;

  /** A 2 s header timeout. */
  public static class ShortHeaderTimeout implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      // the proxy's upstream idle bound well above the header deadline, so that the slow-upload
      // case has room on a loaded machine
      return Map.of(
          "dynagate.http.header-timeout", "PT2S", "dynagate.proxy.upstream-timeout", "PT10S");
    }
  }

  @TestHTTPResource("/")
  URL gateway;

  @TestHTTPResource(value = "/", management = true)
  URL management;

  private ScriptedUpstream upstream;
  private String target;
  private String key;
  private LogCapture logs;

  @BeforeEach
  void setUp() throws IOException {
    logs = LogCapture.install();
    upstream =
        ScriptedUpstream.start(
            ex -> {
              ex.head(200, "Content-Type: application/json", "Content-Length: 2");
              ex.raw("{}".getBytes(StandardCharsets.US_ASCII));
            });
    Admin.Caller caller = Admin.staticTokenCaller("hostile", upstream.url(), "write");
    target = "/proxy/" + caller.connection() + "/api/data/v9.2/accounts";
    key = caller.key();
  }

  @AfterEach
  void tearDown() {
    upstream.close();
    logs.uninstall();
  }

  // --- the header-read deadline ---------------------------------------------------------------

  @Test
  void tenSlowlorisConnectionsAreClosedAfterTheHeaderTimeout() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      List<Future<Dribble>> running = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        running.add(pool.submit(() -> dribble(pool)));
      }
      for (Future<Dribble> f : running) {
        Dribble d = f.get(20, TimeUnit.SECONDS);
        assertTrue(
            d.closedAfterMs >= TIMEOUT_MS - 200 && d.closedAfterMs <= TIMEOUT_MS + 2_500,
            "closed " + d.closedAfterMs + " ms after connecting, sent " + d.linesSent + " lines");
        assertTrue(d.answer.startsWith("HTTP/1.1 408 "), "the caller is told: " + d.answer);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(0, upstream.requests(), "nothing reached the upstream: " + upstream.seen());
  }

  /** What a slowloris connection saw: when it was closed, after how many header lines. */
  private record Dribble(long closedAfterMs, int linesSent, String answer) {}

  /** Sends the request line and then one header line a second (at most 10), never the end. */
  private Dribble dribble(ExecutorService pool) throws Exception {
    try (Socket socket = connect(gateway.getPort())) {
      long start = System.nanoTime();
      Future<Closed> reader =
          pool.submit(
              () -> {
                String answer = readAll(socket);
                return new Closed(answer, millisSince(start));
              });
      OutputStream out = socket.getOutputStream();
      int lines = 0;
      try {
        out.write(ascii("GET " + target + " HTTP/1.1\r\n"));
        out.flush();
        while (lines < 10 && !reader.isDone()) {
          Thread.sleep(1_000); // the attack's pace
          out.write(ascii("X-Dribble-" + lines + ": x\r\n"));
          out.flush();
          lines++;
        }
      } catch (IOException e) {
        // the gateway closed the connection
      }
      Closed closed = reader.get(15, TimeUnit.SECONDS);
      return new Dribble(closed.afterMs(), lines, closed.answer());
    }
  }

  /** What the reading side saw, and when the connection ended. */
  private record Closed(String answer, long afterMs) {}

  @Test
  void aSlowButCompleteHeadIsServed() throws Exception {
    try (Socket socket = connect(gateway.getPort())) {
      OutputStream out = socket.getOutputStream();
      String[] pieces = {
        "GET " + target + " HTTP/1.1\r\n",
        "Host: 127.0.0.1\r\nX-Api-Key: " + key + "\r\n",
        "Connection: close\r\n\r\n"
      };
      for (String piece : pieces) {
        out.write(ascii(piece));
        out.flush();
        Thread.sleep(500); // 1.5 s for the whole head, under the 2 s deadline
      }
      String answer = readAll(socket);
      assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
    }
    assertEquals(1, upstream.requests(), upstream.seen().toString());
  }

  @Test
  void aKeptAliveConnectionIsNotTimedWhileIdleButItsNextHeadIs() throws Exception {
    try (Socket socket = connect(gateway.getPort())) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(ascii(get(target, "Host: 127.0.0.1", "X-Api-Key: " + key)));
      out.flush();
      assertTrue(readResponse(in).startsWith("HTTP/1.1 200 "));

      Thread.sleep(TIMEOUT_MS + 1_000); // idle between requests: not a head, not timed
      out.write(ascii(get(target, "Host: 127.0.0.1", "X-Api-Key: " + key)));
      out.flush();
      assertTrue(readResponse(in).startsWith("HTTP/1.1 200 "), "the idle connection still works");

      long start = System.nanoTime();
      out.write(ascii("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
      out.flush();
      String answer = readAll(socket); // no more bytes: the head never completes
      long closedMs = millisSince(start);
      assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
      assertTrue(
          closedMs >= TIMEOUT_MS - 200 && closedMs <= TIMEOUT_MS + 2_500,
          "the third head is timed from its first byte: " + closedMs + " ms");
    }
    assertEquals(2, upstream.requests(), upstream.seen().toString());
  }

  @Test
  void aSlowBodyUploadIsNotCutByTheHeaderTimeout() throws Exception {
    byte[] body = ascii("{\"n\":\"ab\"}");
    try (Socket socket = connect(gateway.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ascii(
              "POST "
                  + target
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: "
                  + key
                  + "\r\nContent-Type: application/json\r\nContent-Length: "
                  + body.length
                  + "\r\nConnection: close\r\n\r\n"));
      out.flush();
      long start = System.nanoTime();
      for (byte b : body) {
        out.write(b);
        out.flush();
        // 10 bytes over 2.6 s: past the 2 s header deadline, inside the proxy's own 10 s bound
        Thread.sleep(260);
      }
      String answer = readAll(socket);
      assertTrue(millisSince(start) > TIMEOUT_MS + 300, "the upload outlasted the deadline");
      assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
    }
    assertEquals(1, upstream.requests(), upstream.seen().toString());
  }

  @Test
  void aSlowResponseStreamIsNotCutByTheHeaderTimeout() throws Exception {
    upstream.script(
        ex -> {
          ex.head(200, "Content-Type: application/octet-stream", "Transfer-Encoding: chunked");
          for (int i = 0; i < 8; i++) {
            ex.chunk(ScriptedUpstream.bodyBytes(i * 100L, 100));
            Thread.sleep(500);
          }
          ex.lastChunk();
        });
    try (Socket socket = connect(gateway.getPort())) {
      socket
          .getOutputStream()
          .write(ascii(get(target, "Host: 127.0.0.1", "X-Api-Key: " + key, "Connection: close")));
      long start = System.nanoTime();
      String answer = readAll(socket);
      assertTrue(millisSince(start) > TIMEOUT_MS + 1_000, "the answer outlasted the deadline");
      assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
      assertTrue(answer.endsWith("0\r\n\r\n"), "a clean end after 4 s of streaming: " + answer);
    }
  }

  // --- RFC 9112 MUSTs -------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"proxy", "/admin/v1/connections", "/oauth2/callback"})
  void twoHostHeadersAre400OnEveryRoute(String route) throws Exception {
    String answer =
        exchange(get(path(route), "Host: 127.0.0.1", "Host: evil.example", "X-Api-Key: " + key));
    assertBadRequest(answer);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"proxy", "/admin/v1/connections", "/oauth2/callback"})
  void http11WithoutHostIs400OnEveryRoute(String route) throws Exception {
    String answer = exchange(get(path(route), "X-Api-Key: " + key));
    assertBadRequest(answer);
  }

  @Test
  void aTransferEncodingThatDoesNotEndWithChunkedIs400() throws Exception {
    String answer =
        exchange(
            "POST "
                + target
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: "
                + key
                + "\r\nTransfer-Encoding: xchunked\r\nContent-Length: 2\r\n\r\n{}");
    assertBadRequest(answer);
  }

  @Test
  void chunkedWithAContentLengthIsRefusedAndClosed() throws Exception {
    // by Content-Length the body would be "5\r\n" and "hello..." a second, smuggled request
    String answer =
        exchange(
            "POST "
                + target
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: "
                + key
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked"
                + "\r\nContent-Length: 3\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
                + get(target, "Host: 127.0.0.1", "X-Api-Key: " + key));
    assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
    assertFalse(answer.endsWith("(still open)"), "the gateway closed the connection: " + answer);
    assertEquals(
        1, answer.split("HTTP/1\\.1 ", -1).length - 1, "one answer, then closed: " + answer);
    assertEquals(0, upstream.requests(), "nothing reached the upstream: " + upstream.seen());
  }

  @Test
  void anUnknownHttpVersionIs505AsHttp11() throws Exception {
    String answer =
        exchange(
            "GET " + target + " HTTP/9.9\r\nHost: 127.0.0.1\r\nX-Api-Key: " + key + "\r\n\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 505 "), answer);
    assertFalse(answer.contains("Exception"), answer);
    assertEquals(0, upstream.requests(), upstream.seen().toString());
  }

  @Test
  void anOversizedRequestLineIs414() throws Exception {
    String answer = exchange(get(target + "?x=" + "a".repeat(9_000), "Host: 127.0.0.1"));
    assertEquals("414", answer.substring(9, 12), answer);
    assertEquals(0, upstream.requests(), upstream.seen().toString());
  }

  @Test
  void oversizedHeadersAre431() throws Exception {
    String answer =
        exchange(
            get(target, "Host: 127.0.0.1", "X-Api-Key: " + key, "X-Big: " + "a".repeat(21_000)));
    assertEquals("431", answer.substring(9, 12), answer);
    assertEquals(0, upstream.requests(), upstream.seen().toString());
  }

  @Test
  void theManagementPortRefusesTwoHostsToo() throws Exception {
    String answer = exchange(management.getPort(), get("/q/health/live", "Host: a", "Host: b"));
    assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
  }

  // --- bounded logging ------------------------------------------------------------------------

  @Test
  void fiftyRoundsOfClientFaultsLogAFewLinesWithoutStackTraces() throws Exception {
    upstream.script(
        ex -> {
          ex.watch();
          ex.head(200, "Content-Type: application/octet-stream", "Content-Length: " + (8 << 20));
          ex.body(Body.BINARY, 8 << 20, 64 * 1024, false);
        });
    for (int i = 0; i < 50; i++) {
      exchange(get(target, "X-Api-Key: " + key)); // no Host
      exchange(get("/admin/v1/connections")); // no Host
      exchange(get(target, "Host: a", "Host: b"));
      exchange("GET " + target + " HTTP/9.9\r\nHost: a\r\n\r\n");
      exchange("NOT A REQUEST\r\n\r\n");
      exchange("POST " + target + " HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n");
      if (i % 5 == 0) {
        leaveMidResponse();
        resetMidUpload();
      }
    }
    List<String> loud =
        logs.text()
            .lines()
            .filter(l -> l.startsWith("WARN") || l.startsWith("ERROR") || l.startsWith("SEVERE"))
            .toList();
    assertTrue(loud.size() <= 6, "at most a few WARN/ERROR lines: " + loud);
    assertFalse(logs.text().contains("\tat "), "no stack trace: " + logs.text());
    assertTrue(
        logs.text().contains("client fault"), "the faults were seen and logged: " + logs.text());
  }

  /** Reads 64 KiB of an 8 MiB download, then closes. */
  private void leaveMidResponse() throws IOException {
    try (Socket socket = connect(gateway.getPort())) {
      socket.getOutputStream().write(ascii(get(target, "Host: 127.0.0.1", "X-Api-Key: " + key)));
      socket.getInputStream().readNBytes(64 * 1024);
    }
  }

  /** Sends half of a body and resets the connection. */
  private void resetMidUpload() throws IOException {
    Socket socket = connect(gateway.getPort());
    socket
        .getOutputStream()
        .write(
            ascii(
                "POST "
                    + target
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: "
                    + key
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":"));
    socket.getOutputStream().flush();
    socket.setSoLinger(true, 0);
    socket.close();
  }

  // --- helpers ---------------------------------------------------------------------------------

  private void assertBadRequest(String answer) {
    assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
    assertTrue(answer.contains("bad_request"), "a problem document: " + answer);
    assertTrue(answer.toLowerCase().contains("connection: close"), answer);
    assertFalse(answer.contains("Exception"), "no stack trace: " + answer);
    assertEquals(0, upstream.requests(), "nothing reached the upstream: " + upstream.seen());
  }

  private String path(String route) {
    return route.equals("proxy") ? target : route;
  }

  private static String get(String target, String... headers) {
    StringBuilder s = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\n");
    for (String h : headers) {
      s.append(h).append("\r\n");
    }
    return s.append("\r\n").toString();
  }

  private String exchange(String request) throws IOException {
    return exchange(gateway.getPort(), request);
  }

  /** Sends the bytes, then reads until the gateway closes (at most 10 s). */
  private static String exchange(int port, String request) throws IOException {
    try (Socket socket = connect(port)) {
      socket.getOutputStream().write(ascii(request));
      socket.getOutputStream().flush();
      return readAll(socket);
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.setSoTimeout(10_000);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return socket;
  }

  /** Everything until EOF or a reset; "(still open)" appended when the read timed out. */
  private static String readAll(Socket socket) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] b = new byte[8192];
    try {
      InputStream in = socket.getInputStream();
      for (int n = in.read(b); n >= 0; n = in.read(b)) {
        all.write(b, 0, n);
      }
    } catch (SocketTimeoutException e) {
      return all.toString(StandardCharsets.ISO_8859_1) + "(still open)";
    } catch (IOException e) {
      // reset: what arrived before it
    }
    return all.toString(StandardCharsets.ISO_8859_1);
  }

  /** One response with a Content-Length body, from a kept-alive connection. */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        return head.toString(StandardCharsets.ISO_8859_1) + "(closed)";
      }
      head.write(c);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        in.readNBytes(Integer.parseInt(line.substring(15).trim()));
      }
    }
    return text;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
