package io.dynagate.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A webhook receiver the test controls: an HTTP server on {@code 127.0.0.1} (port 0, known before
 * Quarkus starts) that records every POST (headers, body, arrival time) and answers with the
 * statuses a test scripted for the event's connection, then 200. Configures webhook {@code test}
 * ({@code dynagate.events.webhooks.test.url} / {@code .secret}, the secret {@link #SECRET}).
 */
public final class WebhookReceiver implements QuarkusTestResourceLifecycleManager {
  /** The configured signing secret. */
  public static final String SECRET = "PLANTED-webhook-secret-7f3c1e9a2b4d";

  private static volatile WebhookReceiver running;

  private HttpServer server;
  private final List<Delivery> received = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<Integer>> scripts = new ConcurrentHashMap<>();
  private final Map<String, Integer> always = new ConcurrentHashMap<>();

  /** One POST as it arrived. */
  public record Delivery(
      String connection,
      String body,
      String timestamp,
      String signature,
      String eventId,
      int answered,
      long arrivedNanos) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** The running receiver. */
  public static WebhookReceiver get() {
    WebhookReceiver r = running;
    if (r == null) {
      throw new IllegalStateException("WebhookReceiver is not running (missing test resource?)");
    }
    return r;
  }

  @Override
  public Map<String, String> start() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
    } catch (IOException e) {
      throw new IllegalStateException("webhook receiver did not bind", e);
    }
    server.createContext("/hook", this::handle);
    server.start();
    running = this;
    return Map.of(
        "dynagate.events.webhooks.test.url",
        "http://127.0.0.1:" + server.getAddress().getPort() + "/hook?team=ops-query-part",
        "dynagate.events.webhooks.test.secret",
        SECRET);
  }

  @Override
  public void stop() {
    running = null;
    server.stop(0);
  }

  /** The next answers for events of {@code connection} (then 200). */
  public void script(String connection, Integer... statuses) {
    scripts.put(connection, new ArrayDeque<>(List.of(statuses)));
  }

  /** Every answer for events of {@code connection} is {@code status}. */
  public void always(String connection, int status) {
    always.put(connection, status);
  }

  /** The POSTs about {@code connection}, in arrival order. */
  public List<Delivery> deliveries(String connection) {
    return received.stream().filter(d -> connection.equals(d.connection())).toList();
  }

  /** Everything received. */
  public List<Delivery> all() {
    return List.copyOf(received);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body;
    try (InputStream in = exchange.getRequestBody()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String connection;
    try {
      connection = new JsonObject(body).getString("connection", "");
    } catch (RuntimeException e) {
      connection = "";
    }
    int status = answer(connection);
    received.add(
        new Delivery(
            connection,
            body,
            exchange.getRequestHeaders().getFirst("X-Dynagate-Timestamp"),
            exchange.getRequestHeaders().getFirst("X-Dynagate-Signature"),
            exchange.getRequestHeaders().getFirst("X-Dynagate-Event-Id"),
            status,
            System.nanoTime()));
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  private int answer(String connection) {
    Integer fixed = always.get(connection);
    if (fixed != null) {
      return fixed;
    }
    Deque<Integer> script = scripts.get(connection);
    if (script != null) {
      synchronized (script) {
        Integer next = script.poll();
        if (next != null) {
          return next;
        }
      }
    }
    return 200;
  }
}
