package io.dynagate.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream for load tests: a Vert.x server on a free loopback port that answers every request
 * with an empty OData page at once and counts what reached it.
 */
public final class CountingUpstream implements AutoCloseable {
  private final HttpServer server;
  private final AtomicInteger requests;

  private CountingUpstream(HttpServer server, AtomicInteger requests) {
    this.server = server;
    this.requests = requests;
  }

  public static CountingUpstream start(Vertx vertx) throws Exception {
    AtomicInteger requests = new AtomicInteger();
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                r -> {
                  requests.incrementAndGet();
                  r.response().putHeader("Content-Type", "application/json").end("{\"value\":[]}");
                })
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    return new CountingUpstream(server, requests);
  }

  /** {@code http://127.0.0.1:P}, for a connection's {@code orgUrl}. */
  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Requests that reached the upstream so far. */
  public int requests() {
    return requests.get();
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
