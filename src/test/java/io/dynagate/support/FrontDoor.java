package io.dynagate.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.restassured.RestAssured;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's public address in tests: a TCP relay on {@code 127.0.0.1} (bound to port 0 and kept
 * open) in front of the gateway's random test port, the way a load balancer or ingress stands in
 * front of a deployment. Its address is known before Quarkus starts, so it can be configured as
 * {@code DYNAGATE_PUBLIC_BASE_URL} and links the gateway writes lead back to it — real client
 * libraries follow them as they would in production.
 *
 * <p>Configures {@code dynagate.public-base-url=http://127.0.0.1:P,http://localhost:P}. Bytes are
 * relayed unchanged both ways (half-closes included); the gateway's port is read when a client
 * connects ({@link RestAssured#port}, which Quarkus sets once the application is up).
 */
public final class FrontDoor implements QuarkusTestResourceLifecycleManager {
  private static volatile FrontDoor running;

  private ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  /** The running front door's base URL on {@code 127.0.0.1}. */
  public static String baseUrl() {
    FrontDoor door = running;
    if (door == null) {
      throw new IllegalStateException("FrontDoor is not running (missing test resource?)");
    }
    return "http://127.0.0.1:" + door.server.getLocalPort();
  }

  /** The running front door's port. */
  public static int port() {
    baseUrl();
    return running.server.getLocalPort();
  }

  @Override
  public Map<String, String> start() {
    try {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 200);
    } catch (IOException e) {
      throw new IllegalStateException("front door did not bind", e);
    }
    Thread acceptor = new Thread(this::accept, "front-door-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    running = this;
    int port = server.getLocalPort();
    return Map.of(
        "dynagate.public-base-url", "http://127.0.0.1:" + port + ",http://localhost:" + port);
  }

  @Override
  public void stop() {
    running = null;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    open.forEach(FrontDoor::closeQuietly);
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        Socket gateway = new Socket(InetAddress.getByName("127.0.0.1"), RestAssured.port);
        Pair pair = new Pair(client, gateway);
        pair.pump(client, gateway);
        pair.pump(gateway, client);
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  /** One relayed connection: closed when both directions ended, or at once on an error. */
  private final class Pair {
    private final Socket a;
    private final Socket b;
    private final AtomicInteger ended = new AtomicInteger();

    Pair(Socket a, Socket b) {
      this.a = a;
      this.b = b;
      open.add(a);
      open.add(b);
    }

    /** Copies {@code from} to {@code to} until EOF, then half-closes {@code to}. */
    void pump(Socket from, Socket to) {
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
                  if (ended.incrementAndGet() == 2) {
                    close();
                  }
                } catch (IOException e) {
                  close(); // a reset on one side resets the other
                }
              },
              "front-door-pump");
      t.setDaemon(true);
      t.start();
    }

    void close() {
      closeQuietly(a);
      closeQuietly(b);
      open.remove(a);
      open.remove(b);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already gone
    }
  }
}
