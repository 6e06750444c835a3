package io.dynagate.lifecycle;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.support.OwnRedis;
import io.dynagate.support.PackagedGateway;
import io.dynagate.support.RawHttp;
import io.dynagate.support.ScriptedUpstream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM ({@link Process#destroy()}) against the packaged gateway, a process of its own in the
 * prod profile with its own database and Redis, in front of a {@link ScriptedUpstream} that answers
 * {@code slow} after 4 s, {@code slower} after 8 s, {@code fast} at once and streams {@code stream}
 * for up to a minute.
 *
 * <p>The first case runs the shipped settings (delay 5 s, grace 30 s); the second shortens both
 * through the environment, as an operator would, so that a stream outlives the grace quickly.
 */
class GracefulShutdownIT {
  private static final String ADMIN_KEY = "it-admin-key";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final String V = "/api/data/v9.2/";
  private static final int SLOW_BODY_BYTES = 128 * 1024;

  @TempDir static Path workDir;

  private static OwnRedis redis;
  private static String redisUrl;
  private static String database;
  private static ScriptedUpstream upstream;
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void startStores() throws Exception {
    database = "dynagate_shutdown_it_" + ProcessHandle.current().pid();
    try (Connection c = postgres("postgres");
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + database);
      s.execute("CREATE DATABASE " + database);
    }
    redis = new OwnRedis();
    redisUrl = redis.start().get("quarkus.redis.hosts");
    upstream = ScriptedUpstream.start(GracefulShutdownIT::answer);
  }

  @AfterAll
  static void stopStores() throws Exception {
    if (upstream != null) {
      upstream.close();
    }
    if (redis != null) {
      redis.stop();
    }
    try (Connection c = postgres("postgres");
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  /** The upstream: what it does depends on the entity set in the request line. */
  private static void answer(ScriptedUpstream.Exchange ex)
      throws IOException, InterruptedException {
    List<String> lines = ex.requestLines();
    String line = lines.get(lines.size() - 1);
    if (line.contains(V + "slow ") || line.contains(V + "slower ")) {
      Thread.sleep(line.contains("slower") ? 8_000 : 4_000);
      ex.head(200, "Content-Type: application/json", "Transfer-Encoding: chunked");
      ex.body(ScriptedUpstream.Body.JSON, SLOW_BODY_BYTES, 16 * 1024, true);
      ex.lastChunk();
    } else if (line.contains(V + "stream ")) {
      ex.head(200, "Content-Type: application/json", "Transfer-Encoding: chunked");
      for (int i = 0; i < 240; i++) { // a minute at most; a failed write (gateway gone) ends it
        ex.chunk(ScriptedUpstream.jsonBytes(i * 1024L, 1024));
        Thread.sleep(250);
      }
      ex.lastChunk();
    } else {
      ex.head(200, "Content-Type: application/json", "Content-Length: 2");
      ex.raw("{}".getBytes(StandardCharsets.US_ASCII));
    }
  }

  @Test
  void sigtermLetsRequestsInFlightFinishServesThroughTheDelayThenRefusesNewOnes() throws Exception {
    Gateway gw = Gateway.start("defaults", Map.of());
    try {
      String key = gw.callerOf(upstream.url());
      assertEquals(200, gw.get(key, "fast").status(), "warm-up");
      assertEquals(200, gw.ready(), "ready before the signal");
      int before = upstream.requests();

      // given 8 requests in flight, each held 4 s by the upstream
      List<CompletableFuture<HttpResponse<byte[]>>> inFlight = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        inFlight.add(gw.sendAsync(key, "slow"));
      }
      assertTrue(
          upstream.awaitRequests(before + 8, Duration.ofSeconds(10)),
          () -> upstream.seen().toString());

      // when
      long signal = System.nanoTime();
      gw.packaged.sigterm();

      // then readiness is DOWN at once, while the process still runs
      await()
          .atMost(Duration.ofSeconds(1))
          .pollInterval(Duration.ofMillis(25))
          .until(() -> gw.ready() == 503);
      long downMs = millisSince(signal);
      assertTrue(gw.packaged.isAlive(), "readiness DOWN before the exit");

      // a request started during the delay that outlasts it, and probes all along
      CompletableFuture<HttpResponse<byte[]>> startedInDelay = gw.sendAsync(key, "slower");
      long fastBeforeProbes = upstreamRequests("fast");
      List<Probe> probes = new ArrayList<>();
      while (!startedInDelay.isDone() && millisSince(signal) < 20_000) {
        probes.add(gw.probe(key, signal));
        Thread.sleep(200);
      }

      // every request in flight completed with its full body
      for (CompletableFuture<HttpResponse<byte[]>> call : inFlight) {
        HttpResponse<byte[]> r = call.get(30, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        assertArrayEquals(ScriptedUpstream.jsonBytes(0, SLOW_BODY_BYTES), r.body());
      }
      HttpResponse<byte[]> late = startedInDelay.get(30, TimeUnit.SECONDS);
      assertEquals(200, late.statusCode(), "a request started during the delay is served");
      assertArrayEquals(ScriptedUpstream.jsonBytes(0, SLOW_BODY_BYTES), late.body());

      // served during the delay, refused after it; never a reset or a hang
      long delayMs = 5_000;
      // (the gateway's delay starts between the signal and readiness seen DOWN)
      List<Probe> inDelay = probes.stream().filter(p -> p.sentMs < delayMs - 500).toList();
      List<Probe> afterDelay =
          probes.stream().filter(p -> p.sentMs > downMs + delayMs + 300).toList();
      assertFalse(inDelay.isEmpty(), probes::toString);
      assertFalse(afterDelay.isEmpty(), probes::toString);
      assertTrue(inDelay.stream().allMatch(p -> p.status == 200), probes::toString);
      assertTrue(afterDelay.stream().allMatch(p -> p.status == 503), probes::toString);
      assertTrue(
          probes.stream().allMatch(p -> p.status == 200 || p.status == 503), probes::toString);
      Probe refused = afterDelay.get(0);
      assertEquals("unavailable", refused.error, probes::toString);
      assertEquals("1", refused.retryAfter, probes::toString);
      long served = probes.stream().filter(p -> p.status == 200).count();
      assertEquals(
          fastBeforeProbes + served,
          upstreamRequests("fast"),
          "every probe answered 200 reached the upstream, no refused one did");

      // and the process exits by itself, well within delay + grace
      assertTrue(gw.packaged.awaitExit(Duration.ofSeconds(35)), gw::output);
      long exitMs = millisSince(signal);
      assertEquals(143, gw.packaged.exitValue(), "128 + SIGTERM, the JVM's status after a TERM");
      String log = gw.output();
      assertTrue(log.contains("All HTTP requests complete"), log);
      assertFalse(log.contains("Timed out waiting for graceful shutdown"), log);
      long refusedCount = probes.stream().filter(p -> p.status == 503).count();
      assertTrue(
          log.contains("shutdown: " + refusedCount + " requests refused with 503"),
          "the gateway counted the refusals the callers saw: " + refusedCount);
      System.out.printf(
          "graceful shutdown: readiness DOWN after %d ms, %d probes (%d served), exit after %d ms%n",
          downMs, probes.size(), served, exitMs);
    } finally {
      gw.kill();
    }
  }

  @Test
  void aStreamStillRunningWhenTheGraceEndsIsCutAndTheProcessStillExits() throws Exception {
    Gateway gw =
        Gateway.start(
            "short-grace",
            Map.of("QUARKUS_SHUTDOWN_DELAY", "1s", "QUARKUS_SHUTDOWN_TIMEOUT", "3s"));
    try {
      String key = gw.callerOf(upstream.url());
      int exchangesBefore = upstream.exchanges().size();
      StreamReader stream = StreamReader.open(gw.port, key, gw.target("stream"));
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.bytes() >= 4 * 1024);

      long signal = System.nanoTime();
      gw.packaged.sigterm();
      long atSignal = stream.bytes();

      assertTrue(stream.awaitEnd(Duration.ofSeconds(15)), "the stream was never cut");
      long cutMs = (stream.endNanos() - signal) / 1_000_000;
      assertTrue(gw.packaged.awaitExit(Duration.ofSeconds(10)), gw::output);
      long exitMs = millisSince(signal);
      assertEquals(143, gw.packaged.exitValue());

      assertEquals(200, stream.status());
      assertFalse(stream.cleanEnd(), "the caller must not see a clean end: " + stream);
      assertTrue(stream.bytes() > atSignal, "the answer went on streaming during delay + grace");
      assertTrue(
          cutMs >= 4_000 - 250, "cut only once delay (1 s) + grace (3 s) were over: " + cutMs);
      assertTrue(exitMs < 4_000 + 6_000, "exit soon after the grace: " + exitMs);
      assertTrue(gw.output().contains("Timed out waiting for graceful shutdown"), gw::output);

      // the upstream exchange was closed too, not left running
      ScriptedUpstream.Exchange upstreamSide =
          upstream.exchanges().stream()
              .skip(exchangesBefore)
              .filter(e -> e.requestLines().stream().anyMatch(l -> l.contains(V + "stream ")))
              .findFirst()
              .orElseThrow();
      assertTrue(upstreamSide.awaitPeerGone(Duration.ofSeconds(5)), upstreamSide::toString);
      System.out.printf(
          "long stream: %d bytes before the signal, %d in all, %s after %d ms; exit after %d ms%n",
          atSignal, stream.bytes(), stream.how(), cutMs, exitMs);
    } finally {
      gw.kill();
    }
  }

  /** Requests for {@code entitySet} that reached the upstream so far. */
  private static long upstreamRequests(String entitySet) {
    return upstream.exchanges().stream()
        .flatMap(e -> e.requestLines().stream())
        .filter(l -> l.contains(V + entitySet + " "))
        .count();
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static Connection postgres(String db) throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://localhost:5432/" + db, "postgres", "");
  }

  /** One probe request: when it was sent (ms after the signal) and what came back. */
  private record Probe(long sentMs, int status, String error, String retryAfter) {
    static final int REFUSED = -1;
    static final int BROKEN = -2;
  }

  /** One packaged gateway process and the calls the cases make to it. */
  private static final class Gateway {
    final PackagedGateway packaged;
    final int port;
    final int managementPort;

    /** The connection {@link #callerOf} made. */
    private String connection;

    private Gateway(PackagedGateway packaged) {
      this.packaged = packaged;
      this.port = packaged.httpPort();
      this.managementPort = packaged.managementPort();
    }

    /** A gateway on its own database and Redis, with no QUARKUS_* variable of the test run. */
    static Gateway start(String name, Map<String, String> extraEnv) throws Exception {
      PackagedGateway p =
          PackagedGateway.in(workDir.resolve(name))
              .withoutInheritedQuarkusVariables()
              .jvmArgs("-Xmx256m")
              .env("QUARKUS_HTTP_HOST", "127.0.0.1")
              .env("QUARKUS_MANAGEMENT_HOST", "127.0.0.1")
              .env("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://localhost:5432/" + database)
              .env("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://localhost:5432/" + database)
              .env("QUARKUS_REDIS_HOSTS", redisUrl)
              .env("DYNAGATE_ENCRYPTION_KEYS", "it:" + PackagedGateway.randomKey(32))
              .env("DYNAGATE_ADMIN_KEY", ADMIN_KEY)
              .env("DYNAGATE_ALLOW_INSECURE_HTTP", "true")
              .env("DYNAGATE_UPSTREAM_ALLOWED_HOSTS", "localhost,127.0.0.1")
              .env(extraEnv)
              .start();
      try {
        assertTrue(p.awaitStarted(START_TIMEOUT), p::output);
        return new Gateway(p);
      } catch (RuntimeException | Error e) {
        p.close();
        throw e;
      }
    }

    /** A static-token connection to {@code orgUrl}, a read grant and a caller key for it. */
    String callerOf(String orgUrl) throws Exception {
      String suffix = Long.toString(System.nanoTime() % 1_000_000);
      String connection = "shutdown-" + suffix;
      admin(
          "POST",
          "/admin/v1/connections",
          "{\"id\":\""
              + connection
              + "\",\"orgUrl\":\""
              + orgUrl
              + "\",\"auth\":{\"type\":\"static_token\",\"accessToken\":\"tok-"
              + suffix
              + "\"}}",
          201);
      String created =
          admin("POST", "/admin/v1/api-keys", "{\"principal\":\"reader-" + suffix + "\"}", 201);
      Matcher m = Pattern.compile("\"key\":\"([^\"]+)\"").matcher(created);
      assertTrue(m.find(), created);
      admin(
          "PUT",
          "/admin/v1/connections/" + connection + "/grants/reader-" + suffix,
          "{\"access\":\"read\"}",
          200);
      this.connection = connection;
      return m.group(1);
    }

    String target(String entitySet) {
      return "/proxy/" + connection + V + entitySet;
    }

    private String admin(String method, String path, String body, int expected) throws Exception {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .header("X-Api-Key", ADMIN_KEY)
                  .header("Content-Type", "application/json")
                  .method(method, HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(expected, r.statusCode(), r.body());
      return r.body();
    }

    CompletableFuture<HttpResponse<byte[]>> sendAsync(String key, String entitySet) {
      return http.sendAsync(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target(entitySet)))
              .header("X-Api-Key", key)
              .timeout(Duration.ofSeconds(40))
              .build(),
          HttpResponse.BodyHandlers.ofByteArray());
    }

    RawHttp.Reply get(String key, String entitySet) throws IOException {
      return RawHttp.exchange(port, "GET", target(entitySet), List.of("X-Api-Key: " + key), null);
    }

    /** A fresh connection per probe, so no pooled connection the server closed gets in the way. */
    Probe probe(String key, long signal) {
      long sent = millisSince(signal);
      try {
        RawHttp.Reply r = get(key, "fast");
        return new Probe(sent, r.status(), r.header("X-Dynagate-Error"), r.header("Retry-After"));
      } catch (ConnectException e) {
        return new Probe(sent, Probe.REFUSED, null, null);
      } catch (IOException | RuntimeException e) {
        return new Probe(sent, Probe.BROKEN, e.toString(), null);
      }
    }

    /** Status of {@code /q/health/ready} on the management port; -1 when it does not answer. */
    int ready() {
      try {
        return http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding())
            .statusCode();
      } catch (IOException e) {
        return -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }

    String output() {
      return packaged.output();
    }

    void kill() throws InterruptedException {
      packaged.stop();
    }
  }

  /**
   * Reads one chunked answer over a raw socket on its own thread, and tells how it ended: the
   * terminating chunk (a clean end), or the connection closed or reset before it.
   */
  private static final class StreamReader {
    private final Socket socket;
    private volatile int status;
    private volatile long bytes;
    private volatile boolean cleanEnd;
    private volatile String how = "still open";
    private volatile long endNanos;
    private final java.util.concurrent.CountDownLatch ended =
        new java.util.concurrent.CountDownLatch(1);

    private StreamReader(Socket socket) {
      this.socket = socket;
    }

    static StreamReader open(int port, String key, String target) throws IOException {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET "
                  + target
                  + " HTTP/1.1\r\nHost: localhost\r\nX-Api-Key: "
                  + key
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      StreamReader reader = new StreamReader(socket);
      Thread t = new Thread(reader::read, "shutdown-it-stream");
      t.setDaemon(true);
      t.start();
      return reader;
    }

    private void read() {
      try (socket) {
        InputStream in = socket.getInputStream();
        String head = line(in);
        status = Integer.parseInt(head.substring(9, 12));
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
          // the headers: the framing below tells a chunked body by its chunks
        }
        while (true) {
          int size = Integer.parseInt(line(in).trim(), 16);
          if (size == 0) {
            line(in);
            cleanEnd = true;
            how = "terminating chunk";
            return;
          }
          byte[] data = in.readNBytes(size);
          bytes += data.length;
          if (data.length < size) {
            throw new IOException("EOF inside a chunk");
          }
          line(in);
        }
      } catch (IOException e) {
        how = e.getMessage() != null && e.getMessage().contains("reset") ? "reset" : "EOF: " + e;
      } catch (RuntimeException e) {
        how = "unreadable: " + e;
      } finally {
        endNanos = System.nanoTime();
        ended.countDown();
      }
    }

    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new IOException("connection closed before the terminating chunk");
        }
        if (c != '\r') {
          b.write(c);
        }
      }
      return b.toString(StandardCharsets.ISO_8859_1);
    }

    boolean awaitEnd(Duration atMost) throws InterruptedException {
      return ended.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
    }

    long bytes() {
      return bytes;
    }

    int status() {
      return status;
    }

    boolean cleanEnd() {
      return cleanEnd;
    }

    long endNanos() {
      return endNanos;
    }

    String how() {
      return how;
    }

    @Override
    public String toString() {
      return "stream{status=" + status + ", bytes=" + bytes + ", end=" + how + "}";
    }
  }
}
