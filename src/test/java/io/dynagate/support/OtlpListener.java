package io.dynagate.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OTLP/HTTP trace collector the test controls: an HTTP server on {@code 127.0.0.1} (port 0,
 * known before Quarkus starts) that keeps every export request's body exactly as the gateway's real
 * OTLP exporter sent it (protobuf, uncompressed) and answers 200. Switches tracing on ({@code
 * quarkus.otel.sdk.disabled=false}) and points the exporter at itself with a short batch delay;
 * with the init argument {@code switch-on=false} it points the exporter at itself and leaves the
 * shipped switch alone (tracing off).
 *
 * <p>Protobuf writes strings as their UTF-8 bytes, so a test can look for a span name, an attribute
 * value or a planted secret in {@link #exported()} without decoding the message.
 */
public final class OtlpListener implements QuarkusTestResourceLifecycleManager {
  private static volatile OtlpListener running;

  private HttpServer server;
  private boolean switchOn = true;
  private final List<byte[]> bodies = new CopyOnWriteArrayList<>();
  private final List<String> paths = new CopyOnWriteArrayList<>();

  /** The running listener. */
  public static OtlpListener get() {
    OtlpListener l = running;
    if (l == null) {
      throw new IllegalStateException("OtlpListener is not running (missing test resource?)");
    }
    return l;
  }

  @Override
  public void init(Map<String, String> initArgs) {
    switchOn = !"false".equals(initArgs.get("switch-on"));
  }

  @Override
  public Map<String, String> start() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException("cannot bind the OTLP listener", e);
    }
    server.createContext("/", this::receive);
    server.start();
    running = this;
    String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
    Map<String, String> config = new HashMap<>();
    config.put("quarkus.otel.exporter.otlp.traces.endpoint", endpoint);
    config.put("quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf");
    config.put("quarkus.otel.bsp.schedule.delay", "200ms");
    if (switchOn) {
      config.put("quarkus.otel.sdk.disabled", "false");
    }
    return config;
  }

  private void receive(HttpExchange exchange) throws IOException {
    try (exchange;
        InputStream in = exchange.getRequestBody()) {
      bodies.add(in.readAllBytes());
      paths.add(exchange.getRequestURI().getPath());
      exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1);
    }
  }

  /** Every export request body so far, concatenated, one byte per character (ISO-8859-1). */
  public String exported() {
    StringBuilder all = new StringBuilder();
    for (byte[] body : bodies) {
      all.append(new String(body, StandardCharsets.ISO_8859_1)).append('\n');
    }
    return all.toString();
  }

  /** The request paths export requests were sent to. */
  public List<String> paths() {
    return List.copyOf(paths);
  }

  /** How many export requests arrived. */
  public int requests() {
    return bodies.size();
  }

  /** Forgets what was received. */
  public void clear() {
    bodies.clear();
    paths.clear();
  }

  @Override
  public void stop() {
    running = null;
    if (server != null) {
      server.stop(0);
    }
  }
}
