package io.dynagate.proxy;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.support.Admin;
import io.dynagate.support.LogCapture;
import io.dynagate.support.ScriptedUpstream;
import io.dynagate.support.ScriptedUpstream.Body;
import io.dynagate.support.ScriptedUpstream.Exchange;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a caller sees, byte for byte, when Dataverse fails after the response head: an upstream that
 * resets, sends a bare FIN inside a chunked body, stalls, or keeps sending while the caller leaves
 * or stops reading. The upstream is a {@link ScriptedUpstream} (raw sockets); the caller is a raw
 * socket too, so the test sees the status line, the framing, whether the terminating chunk (or the
 * announced length) arrived, and when the connection closed.
 *
 * <p>The contract (section 4): an upstream failure after the head was sent resets the caller's
 * stream, never a clean end of a short body. The idle timeout is {@code
 * dynagate.proxy.upstream-timeout} ({@code PT3S} in the test profile), on both sides. The access
 * line reports the status sent, {@code decision=allowed}, and how the exchange ended: {@code
 * end=complete|upstream_aborted|idle_timeout|caller_left}, {@code end=-} for a request the gateway
 * answered itself; {@code dynagate_proxy_aborted_total{reason}} counts the aborted ones.
 */
@QuarkusTest
class UpstreamFaultsTest {
  private static final String V = "/api/data/v9.2/";
  private static final int KIB = 1024;
  private static final int MIB = 1024 * KIB;
  private static final String BINARY = "application/octet-stream";
  private static final String JSON = "application/json";

  @TestHTTPResource("/")
  URL gateway;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  private ScriptedUpstream upstream;
  private String connection;
  private String key;
  private LogCapture logs;

  @BeforeEach
  void setUp() {
    logs = LogCapture.install();
  }

  @AfterEach
  void tearDown() {
    if (upstream != null) {
      upstream.close();
    }
    logs.uninstall();
  }

  // --- control -----------------------------------------------------------------------------

  @Test
  void aCompleteBinaryDownloadArrivesByteForByteWithACleanEnd() throws Exception {
    upstreamAnswers(
        ex -> {
          ex.head(200, "Content-Type: " + BINARY, "Content-Length: " + MIB);
          ex.body(Body.BINARY, MIB, 64 * KIB, false);
        });

    try (Caller caller = Caller.get(port(), target("files"), key, requestId())) {
      caller.keepBody = true;
      caller.readHead();
      caller.readBody(Long.MAX_VALUE);

      assertEquals(200, caller.status, caller.toString());
      assertEquals(End.CLEAN, caller.end, caller.toString());
      assertArrayEquals(ScriptedUpstream.bodyBytes(0, MIB), caller.body(), "the body as sent");
    }
  }

  // --- 1, 2, 3: the upstream breaks off after the head ---------------------------------------

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {BINARY, JSON})
  void anUpstreamResetAfterTheHeadNeverEndsTheCallersBodyCleanly(String type) throws Exception {
    Caller caller = abortedDownload(type, Fault.RESET, requestId());

    assertEquals(200, caller.status, caller.toString());
    assertBrokenOff(caller, MIB);
    assertUpstreamSentPartOfTheBody();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {BINARY, JSON})
  void anUpstreamFinInsideAChunkedBodyNeverEndsTheCallersBodyCleanly(String type) throws Exception {
    Caller caller = abortedDownload(type, Fault.FIN_IN_CHUNKED, requestId());

    assertEquals(200, caller.status, caller.toString());
    assertBrokenOff(caller, MIB);
    assertUpstreamSentPartOfTheBody();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"RESET", "FIN"})
  void aSmallAnswerTheUpstreamBreaksOffIsAGatewayErrorNotACutOff200(String how) throws Exception {
    // small answers (by Content-Length) are sent whole: nothing went out before the break
    upstreamAnswers(
        ex -> {
          ex.head(200, "Content-Type: " + JSON, "Content-Length: 20000");
          ex.body(Body.JSON, 8 * KIB, 4 * KIB, false);
          if (how.equals("RESET")) {
            ex.reset();
          } else {
            ex.fin();
          }
        });
    String id = requestId();
    try (Caller caller = Caller.get(port(), target("accounts"), key, id)) {
      caller.keepBody = true;
      caller.readHead();
      caller.readBody(Long.MAX_VALUE);

      assertEquals(502, caller.status, caller.toString());
      assertEquals(End.CLEAN, caller.end, "a complete error document: " + caller);
      assertTrue(
          new String(caller.body(), StandardCharsets.UTF_8)
              .contains("dynagate.upstream_unreachable"),
          caller.toString());
    }
    Map<String, String> line = accessLine(id);
    assertEquals("502", line.get("status"), line.toString());
    assertEquals("error:upstream_unreachable", line.get("decision"), line.toString());
  }

  /** How the upstream breaks off after 64 KiB of a 1 MiB body. */
  private enum Fault {
    /** {@code Content-Length: 1048576}, then RST. */
    RESET,
    /** Chunked, four 16 KiB chunks, then FIN without the terminating chunk. */
    FIN_IN_CHUNKED
  }

  /** One download that the upstream breaks off; returns what the caller saw. */
  private Caller abortedDownload(String type, Fault fault, String requestId) throws Exception {
    Body source = type.equals(JSON) ? Body.JSON : Body.BINARY;
    upstreamAnswers(
        ex -> {
          if (fault == Fault.RESET) {
            ex.head(200, "Content-Type: " + type, "Content-Length: " + MIB);
            ex.body(source, 64 * KIB, 16 * KIB, false);
            ex.reset();
          } else {
            ex.head(200, "Content-Type: " + type, "Transfer-Encoding: chunked");
            ex.body(source, 64 * KIB, 16 * KIB, true);
            ex.fin();
          }
        });
    try (Caller caller = Caller.get(port(), target("files"), key, requestId)) {
      caller.readHead();
      caller.readBody(Long.MAX_VALUE);
      return caller;
    }
  }

  private void assertUpstreamSentPartOfTheBody() {
    assertEquals(1, upstream.requests(), upstream.seen().toString());
    Exchange ex = upstream.exchanges().get(0);
    assertTrue(ex.bytesWritten() > 64 * KIB, "the upstream sent its 64 KiB: " + ex);
  }

  /**
   * The caller's body ended without a clean end — no terminating chunk, fewer bytes than a
   * Content-Length announced — and the connection was closed (not left hanging), with fewer than
   * {@code full} body bytes.
   */
  private void assertBrokenOff(Caller caller, long full) {
    String upstreamSide = "; upstream: " + upstream.seen();
    assertTrue(
        caller.chunked || caller.contentLength >= 0,
        "a framed answer (chunked or Content-Length); a close-delimited body cannot show that it"
            + " was cut short: "
            + caller
            + upstreamSide);
    assertNotEquals(End.CLEAN, caller.end, "a clean end of a short body: " + caller + upstreamSide);
    assertTrue(
        caller.end == End.EOF || caller.end == End.RESET,
        "the caller's connection is closed: " + caller + upstreamSide);
    assertTrue(caller.bodyBytes < full, caller + upstreamSide);
  }

  // --- 4: the upstream stalls ---------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {BINARY, JSON})
  void aStalledUpstreamIsClosedOnBothSidesAfterTheIdleTimeout(String type) throws Exception {
    Stall stall = stalledDownload(type, requestId());

    Caller caller = stall.caller();
    Exchange ex = upstream.exchanges().get(0);
    String both = caller + "; upstream before the caller closed: " + stall.seen();
    assertEquals(200, caller.status, both);
    assertNotEquals(End.CLEAN, caller.end, "a clean end of a short body: " + both);
    assertTrue(
        caller.end == End.EOF || caller.end == End.RESET,
        "the gateway closed the caller's connection: " + both);
    long callerClosedMs = millisBetween(ex.lastWriteNanos(), caller.endNanos);
    assertTrue(
        callerClosedMs >= 2_500 && callerClosedMs <= 10_000,
        "the caller's connection closes after the idle timeout, not before: "
            + callerClosedMs
            + " ms after the last upstream byte; "
            + both);
    assertTrue(stall.upstreamGone(), "the gateway closed the upstream: " + both);
    long upstreamClosedMs = millisBetween(ex.lastWriteNanos(), ex.peerGoneNanos());
    assertTrue(
        upstreamClosedMs >= 2_500 && upstreamClosedMs <= 10_000,
        "the upstream is closed " + upstreamClosedMs + " ms after its last byte: " + ex);
  }

  /**
   * The caller of a stalled download; whether the gateway closed the upstream within 10 s of its
   * last byte, and what the upstream had seen, both before the caller closed its own socket.
   */
  private record Stall(Caller caller, boolean upstreamGone, String seen) {}

  /** Head and 64 KiB of a 1 MiB body, then silence with the socket open (at most 20 s). */
  private Stall stalledDownload(String type, String requestId) throws Exception {
    Body source = type.equals(JSON) ? Body.JSON : Body.BINARY;
    upstreamAnswers(
        ex -> {
          ex.head(200, "Content-Type: " + type, "Content-Length: " + MIB);
          ex.body(source, 64 * KIB, 16 * KIB, false);
          ex.stall(Duration.ofSeconds(20));
        });
    try (Caller caller = Caller.get(port(), target("files"), key, requestId)) {
      caller.socket.setSoTimeout(12_000);
      caller.readHead();
      caller.readBody(Long.MAX_VALUE);
      boolean gone = false;
      if (upstream.awaitRequests(1, Duration.ofSeconds(1))) {
        Exchange ex = upstream.exchanges().get(0);
        long waited = millisBetween(ex.lastWriteNanos(), System.nanoTime());
        gone = ex.awaitPeerGone(Duration.ofMillis(Math.max(0, 10_000 - waited)));
      }
      return new Stall(caller, gone, upstream.seen().toString());
    }
  }

  // --- 5: callers leave ----------------------------------------------------------------------

  @Test
  void tenCallersThatLeaveCloseTheirTenUpstreamConnections() throws Exception {
    Left left = callersLeave(10);

    for (Caller caller : left.callers()) {
      assertEquals(200, caller.status, caller.toString());
      assertTrue(caller.bodyBytes >= 64 * KIB, caller.toString());
    }
    assertEquals(10, upstream.exchanges().size(), upstream.seen().toString());
    assertEquals(
        List.of(),
        left.stillOpen(),
        "upstream connections not closed within 2 s after the last caller left; all: "
            + upstream.seen());
  }

  /** The callers (closed), their request ids, and the upstream connections left open. */
  private record Left(List<Caller> callers, List<String> ids, List<String> stillOpen) {}

  /**
   * {@code n} callers start a 50 MiB download the upstream writes in 64 KiB pieces, each reads 64
   * KiB and closes its socket; then waits until 2 s after the last one left for the gateway to
   * close the upstream connections.
   */
  private Left callersLeave(int n) throws Exception {
    streamingUpstream();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(requestId());
    }
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<Caller>> running = new ArrayList<>();
      for (String id : ids) {
        running.add(
            pool.submit(
                () -> {
                  Caller caller = Caller.get(port(), target("files"), key, id);
                  caller.readHead();
                  caller.readBody(64 * KIB);
                  caller.close();
                  return caller;
                }));
      }
      List<Caller> callers = new ArrayList<>();
      long lastClose = 0;
      for (Future<Caller> f : running) {
        Caller caller = f.get(30, TimeUnit.SECONDS);
        callers.add(caller);
        lastClose = Math.max(lastClose, caller.closedNanos);
      }
      upstream.awaitRequests(n, Duration.ofSeconds(5));
      long deadline = lastClose + Duration.ofSeconds(2).toNanos();
      List<String> stillOpen = new ArrayList<>();
      for (Exchange ex : upstream.exchanges()) {
        long wait = Math.max(0, deadline - System.nanoTime());
        if (!ex.awaitPeerGone(Duration.ofNanos(wait)) || ex.peerGoneNanos() > deadline) {
          stillOpen.add(ex.toString());
        }
      }
      return new Left(callers, ids, stillOpen);
    } finally {
      pool.shutdownNow();
    }
  }

  /** 200, Content-Length 50 MiB, written in 64 KiB pieces until the gateway stops taking them. */
  private void streamingUpstream() throws IOException {
    upstreamAnswers(
        ex -> {
          ex.watch();
          ex.head(200, "Content-Type: " + BINARY, "Content-Length: " + 50L * MIB);
          ex.body(Body.BINARY, 50L * MIB, 64 * KIB, false);
        });
  }

  // --- 6: the caller stops reading -----------------------------------------------------------

  @Test
  void aCallerThatStopsReadingIsClosedOnBothSidesAfterTheIdleTimeout() throws Exception {
    Stuck stuck = stuckCaller(requestId());

    Exchange ex = stuck.upstream();
    assertEquals(200, stuck.caller().status, stuck.caller().toString());
    assertTrue(
        ex != null && ex.peerGoneNanos() != 0,
        "the gateway closed the upstream within 10 s of the caller's stopping to read: "
            + stuck.seen());
    long closedMs = millisBetween(stuck.stoppedNanos(), ex.peerGoneNanos());
    assertTrue(
        closedMs >= 2_500 && closedMs <= 10_000,
        "the upstream is closed " + closedMs + " ms after the caller stopped reading: " + ex);
    assertBrokenOff(stuck.caller(), 50L * MIB);
  }

  /**
   * The caller, when it stopped reading, its upstream connection (null if none arrived), and what
   * the upstream had seen when the wait for its close ended.
   */
  private record Stuck(Caller caller, long stoppedNanos, Exchange upstream, String seen) {}

  /**
   * A caller with a 16 KiB receive buffer reads 16 KiB of a 50 MiB download and then nothing; waits
   * (at most 10 s) for the gateway to close the upstream, then reads what is still in flight up to
   * the close.
   */
  private Stuck stuckCaller(String requestId) throws Exception {
    streamingUpstream();
    try (Caller caller = Caller.get(port(), target("files"), key, requestId, 16 * KIB)) {
      caller.readHead();
      caller.readBody(16 * KIB);
      long stopped = System.nanoTime();
      Exchange ex = null;
      if (upstream.awaitRequests(1, Duration.ofSeconds(5))) {
        ex = upstream.exchanges().get(0);
        ex.awaitPeerGone(Duration.ofSeconds(10));
      }
      String seen = upstream.seen().toString(); // before the drain below lets the upstream go on
      caller.socket.setSoTimeout(5_000);
      caller.readBody(60L * MIB); // what is still in flight, then the close
      return new Stuck(caller, stopped, ex, seen);
    }
  }

  // --- 7: access line and metrics ------------------------------------------------------------

  @Test
  void aCompleteDownloadIsLoggedAsEndComplete() throws Exception {
    upstreamAnswers(
        ex -> {
          ex.head(200, "Content-Type: " + BINARY, "Content-Length: " + MIB);
          ex.body(Body.BINARY, MIB, 64 * KIB, false);
        });
    String id = requestId();
    try (Caller caller = Caller.get(port(), target("files"), key, id)) {
      caller.readHead();
      caller.readBody(Long.MAX_VALUE);
      assertEquals(End.CLEAN, caller.end, caller.toString());
    }

    Map<String, String> line = accessLine(id);
    assertEquals("200", line.get("status"), line.toString());
    assertEquals("allowed", line.get("decision"), line.toString());
    assertEquals("complete", line.get("end"), line.toString());
  }

  @Test
  void aRequestTheGatewayAnsweredItselfHasNoEnd() throws Exception {
    upstreamAnswers(ex -> ex.head(500, "Content-Length: 0"));
    String id = requestId();
    try (Caller caller = Caller.get(port(), target("files"), null, id)) {
      caller.readHead();
      caller.readBody(Long.MAX_VALUE);
      assertEquals(401, caller.status, caller.toString());
    }

    Map<String, String> line = accessLine(id);
    assertEquals("401", line.get("status"), line.toString());
    assertEquals("-", line.get("end"), line.toString());
    assertEquals(0, upstream.requests(), "nothing reached the upstream");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"RESET", "FIN_IN_CHUNKED"})
  void anUpstreamAbortIsLoggedAsAllowedWithEndUpstreamAbortedAndCounted(String fault)
      throws Exception {
    double before = aborted("upstream_aborted");
    String id = requestId();
    abortedDownload(BINARY, Fault.valueOf(fault), id);

    Map<String, String> line = accessLine(id);
    assertEquals("200", line.get("status"), "the status sent: " + line);
    assertEquals("allowed", line.get("decision"), line.toString());
    assertEquals("upstream_aborted", line.get("end"), line.toString());
    assertCounted("upstream_aborted", before, 1);
  }

  @Test
  void aStalledUpstreamIsLoggedAsIdleTimeoutAndCounted() throws Exception {
    double before = aborted("idle_timeout");
    String id = requestId();
    stalledDownload(BINARY, id);

    Map<String, String> line = accessLine(id);
    assertEquals("200", line.get("status"), line.toString());
    assertEquals("allowed", line.get("decision"), line.toString());
    assertEquals("idle_timeout", line.get("end"), line.toString());
    assertCounted("idle_timeout", before, 1);
  }

  @Test
  void aCallerThatStopsReadingIsLoggedAsIdleTimeoutAndCounted() throws Exception {
    double before = aborted("idle_timeout");
    String id = requestId();
    stuckCaller(id);

    Map<String, String> line = accessLine(id);
    assertEquals("200", line.get("status"), line.toString());
    assertEquals("allowed", line.get("decision"), line.toString());
    assertEquals("idle_timeout", line.get("end"), line.toString());
    assertCounted("idle_timeout", before, 1);
  }

  @Test
  void callersThatLeaveAreLoggedAsCallerLeftAndCounted() throws Exception {
    double before = aborted("caller_left");
    Left left = callersLeave(3);

    for (String id : left.ids()) {
      Map<String, String> line = accessLine(id);
      assertEquals("200", line.get("status"), line.toString());
      assertEquals("allowed", line.get("decision"), line.toString());
      assertEquals("caller_left", line.get("end"), line.toString());
    }
    assertCounted("caller_left", before, 3);
  }

  // --- set-up and helpers --------------------------------------------------------------------

  // --- the caller stalls while it uploads -----------------------------------------------------

  @Test
  void aCallerThatStallsMidUploadIsAnsweredAndTheUpstreamClosedAfterTheIdleTimeout()
      throws Exception {
    upstreamAnswers(ex -> ex.head(204), "write"); // never played: the body never completes
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(12_000);
      socket.connect(new InetSocketAddress("127.0.0.1", port()), 5_000);
      OutputStream out = socket.getOutputStream();
      String head =
          "POST "
              + target("files")
              + " HTTP/1.1\r\nHost: 127.0.0.1:"
              + port()
              + "\r\nX-Api-Key: "
              + key
              + "\r\nContent-Type: application/octet-stream\r\nContent-Length: "
              + MIB
              + "\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.write(new byte[64 * KIB]);
      out.flush();
      long stalled = System.nanoTime();
      assertTrue(upstream.awaitRequests(1, Duration.ofSeconds(5)), upstream.seen().toString());

      String answer;
      try {
        answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      } catch (SocketTimeoutException e) {
        answer = "(still open after 12 s)";
      }
      long closedMs = millisBetween(stalled, System.nanoTime());

      assertTrue(answer.startsWith("HTTP/1.1 504 "), "the caller is told: " + answer);
      assertTrue(answer.contains("upstream_timeout"), answer);
      assertTrue(
          closedMs >= 2_500 && closedMs <= 10_000,
          "the caller's connection closes after the idle timeout: " + closedMs + " ms");
      Exchange ex = upstream.exchanges().get(0);
      assertTrue(ex.awaitPeerGone(Duration.ofSeconds(5)), "the gateway closed the upstream: " + ex);
      assertTrue(
          millisBetween(stalled, ex.peerGoneNanos()) <= 10_000,
          "the upstream is closed within the idle timeout and slack: " + ex);
    }
  }

  /** A fresh upstream with {@code script}, a static-token connection to it and a read key. */
  private void upstreamAnswers(ScriptedUpstream.Script script) throws IOException {
    upstreamAnswers(script, "read");
  }

  /** A fresh upstream with {@code script}, a static-token connection and a key with access. */
  private void upstreamAnswers(ScriptedUpstream.Script script, String access) throws IOException {
    upstream = ScriptedUpstream.start(script);
    Admin.Caller caller = Admin.staticTokenCaller("faults", upstream.url(), access);
    connection = caller.connection();
    key = caller.key();
  }

  private String target(String entitySet) {
    return "/proxy/" + connection + V + entitySet;
  }

  private int port() {
    return gateway.getPort();
  }

  private static String requestId() {
    return "faults-" + UUID.randomUUID();
  }

  private static long millisBetween(long fromNanos, long toNanos) {
    return (toNanos - fromNanos) / 1_000_000;
  }

  private static final Pattern FIELD = Pattern.compile("(?<= )([a-zA-Z]+)=(\\S+)");

  /** The access line of one request, as {@code name=value} fields. */
  private Map<String, String> accessLine(String requestId) {
    String marker = "proxy requestId=" + requestId + " ";
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> logs.text().lines().anyMatch(l -> l.contains(marker)));
    String line = logs.text().lines().filter(l -> l.contains(marker)).findFirst().orElseThrow();
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher m = FIELD.matcher(line.substring(line.indexOf(marker)));
    while (m.find()) {
      fields.putIfAbsent(m.group(1), m.group(2));
    }
    return fields;
  }

  /** The sum of {@code dynagate_proxy_aborted_total} samples with this reason. */
  private double aborted(String reason) {
    String text = given().accept("text/plain").get(metrics).asString();
    return text.lines()
        .filter(l -> l.startsWith("dynagate_proxy_aborted_total{"))
        .filter(l -> l.contains("reason=\"" + reason + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private void assertCounted(String reason, double before, int more) {
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> aborted(reason) >= before + more);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // reported below with the numbers
    }
    assertEquals(
        before + more,
        aborted(reason),
        "dynagate_proxy_aborted_total{reason=\"" + reason + "\"} grows by " + more);
  }

  /** How a caller's body ended. */
  private enum End {
    /** The terminating chunk, or every byte a Content-Length announced. */
    CLEAN,
    /** The connection closed (FIN) before a clean end. */
    EOF,
    /** The connection was reset before a clean end. */
    RESET,
    /** Nothing arrived for the socket timeout: the connection was left open. */
    TIMEOUT
  }

  /**
   * One caller on a raw socket: writes {@code GET} by hand and reads exactly what arrives — the
   * head, the chunk framing or the Content-Length body, and how and when it ended.
   */
  private static final class Caller implements AutoCloseable {
    final Socket socket;
    private final InputStream in;
    int status = -1;
    final Map<String, String> headers = new LinkedHashMap<>();
    boolean chunked;
    long contentLength = -1;
    long bodyBytes;
    End end;
    long endNanos;
    long closedNanos;
    boolean keepBody;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long chunkLeft;
    private final byte[] buffer = new byte[16 * KIB];

    private Caller(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new BufferedInputStream(socket.getInputStream(), 8 * KIB);
    }

    static Caller get(int port, String target, String key, String requestId) throws IOException {
      return get(port, target, key, requestId, 0);
    }

    /** Connects (with a small receive buffer when {@code receiveBuffer > 0}) and sends a GET. */
    static Caller get(int port, String target, String key, String requestId, int receiveBuffer)
        throws IOException {
      Socket socket = new Socket();
      if (receiveBuffer > 0) {
        socket.setReceiveBufferSize(receiveBuffer);
      }
      socket.setSoTimeout(10_000);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      Caller caller = new Caller(socket);
      StringBuilder request = new StringBuilder();
      request.append("GET ").append(target).append(" HTTP/1.1\r\n");
      request.append("Host: 127.0.0.1:").append(port).append("\r\n");
      if (key != null) {
        request.append("X-Api-Key: ").append(key).append("\r\n");
      }
      request.append("X-Request-Id: ").append(requestId).append("\r\n");
      request.append("Accept: */*\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return caller;
    }

    void readHead() throws IOException {
      try {
        String statusLine = line();
        if (statusLine == null) {
          ended(End.EOF);
          return;
        }
        status = Integer.parseInt(statusLine.substring(9, 12));
        for (String l = line(); l != null && !l.isEmpty(); l = line()) {
          int colon = l.indexOf(':');
          headers.put(
              l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
      } catch (SocketTimeoutException e) {
        ended(End.TIMEOUT);
        return;
      }
      chunked =
          headers
              .getOrDefault("transfer-encoding", "")
              .toLowerCase(Locale.ROOT)
              .contains("chunked");
      if (!chunked && headers.containsKey("content-length")) {
        contentLength = Long.parseLong(headers.get("content-length"));
      }
    }

    /** Reads body bytes until {@code limit} of them arrived or the body ended. */
    void readBody(long limit) {
      try {
        while (end == null && bodyBytes < limit) {
          if (chunked) {
            if (chunkLeft == 0 && !nextChunk()) {
              return;
            }
            if (!data(Math.min(chunkLeft, limit - bodyBytes))) {
              return;
            }
          } else if (contentLength >= 0) {
            if (bodyBytes == contentLength) {
              ended(End.CLEAN);
              return;
            }
            if (!data(Math.min(contentLength - bodyBytes, limit - bodyBytes))) {
              return;
            }
          } else if (!data(limit - bodyBytes)) {
            return;
          }
        }
        if (end == null && !chunked && contentLength >= 0 && bodyBytes == contentLength) {
          ended(End.CLEAN);
        }
      } catch (SocketTimeoutException e) {
        ended(End.TIMEOUT);
      } catch (IOException e) {
        ended(End.RESET);
      }
    }

    /** Reads a chunk-size line; false when the body ended (cleanly or not). */
    private boolean nextChunk() throws IOException {
      String size = line();
      if (size == null) {
        ended(End.EOF);
        return false;
      }
      int semi = size.indexOf(';');
      chunkLeft = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
      if (chunkLeft > 0) {
        return true;
      }
      for (String trailer = line(); ; trailer = line()) {
        if (trailer == null) {
          ended(End.EOF);
          return false;
        }
        if (trailer.isEmpty()) {
          ended(End.CLEAN);
          return false;
        }
      }
    }

    /** Reads up to {@code max} body bytes; false at EOF. */
    private boolean data(long max) throws IOException {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, max));
      if (n < 0) {
        ended(End.EOF);
        return false;
      }
      bodyBytes += n;
      if (keepBody) {
        kept.write(buffer, 0, n);
      }
      if (chunked) {
        chunkLeft -= n;
        if (chunkLeft == 0) {
          String crlf = line();
          if (crlf == null) {
            ended(End.EOF);
            return false;
          }
        }
      }
      return true;
    }

    private String line() throws IOException {
      ByteArrayOutputStream l = new ByteArrayOutputStream();
      for (int b = in.read(); ; b = in.read()) {
        if (b < 0) {
          return null;
        }
        if (b == '\n') {
          break;
        }
        if (l.size() > 8 * KIB) {
          throw new IOException("line too long");
        }
        l.write(b);
      }
      String s = l.toString(StandardCharsets.ISO_8859_1);
      return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private void ended(End how) {
      end = how;
      endNanos = System.nanoTime();
    }

    byte[] body() {
      return kept.toByteArray();
    }

    @Override
    public void close() throws IOException {
      closedNanos = System.nanoTime();
      socket.close();
    }

    @Override
    public String toString() {
      return "caller{status="
          + status
          + ", framing="
          + (chunked ? "chunked" : contentLength >= 0 ? "length " + contentLength : "none")
          + ", bodyBytes="
          + bodyBytes
          + ", end="
          + (end == null ? "not yet" : end)
          + ", headers="
          + headers
          + "}";
    }
  }
}
