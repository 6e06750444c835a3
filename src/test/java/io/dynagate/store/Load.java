package io.dynagate.store;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A bounded load loop for outage tests: {@code workers} callers send one GET after another until a
 * deadline, each answer (or failure to get one) recorded with its start and duration.
 */
final class Load {
  /** One request: when it started (ms since the load began), how long it took, what came back. */
  record Result(long startMs, long millis, int status, String error) {}

  private final ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
  private final ExecutorService pool;
  private final long began = System.nanoTime();

  private Load(int workers, Duration length, Function<Integer, HttpRequest> request) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    pool = Executors.newFixedThreadPool(workers);
    long end = began + length.toNanos();
    for (int w = 0; w < workers; w++) {
      int worker = w;
      pool.execute(
          () -> {
            int n = 0;
            while (System.nanoTime() - end < 0) {
              long start = System.nanoTime();
              int status = 0;
              String error = null;
              try {
                HttpResponse<String> r =
                    http.send(
                        request.apply(worker * 1_000_000 + n++),
                        HttpResponse.BodyHandlers.ofString());
                status = r.statusCode();
                error = r.headers().firstValue("X-Dynagate-Error").orElse(null);
              } catch (Exception e) {
                error = e.getClass().getSimpleName();
              }
              long now = System.nanoTime();
              results.add(
                  new Result(
                      (start - began) / 1_000_000, (now - start) / 1_000_000, status, error));
            }
          });
    }
  }

  /**
   * Starts the load; it stops by itself after {@code length}. Each request's id is {@code
   * <idPrefix>-<n>}, so that its access line can be told from others.
   */
  static Load start(int workers, Duration length, URI target, String apiKey, String idPrefix) {
    return new Load(
        workers,
        length,
        n ->
            HttpRequest.newBuilder(target)
                .header("X-Api-Key", apiKey)
                .header("X-Request-Id", idPrefix + "-" + n)
                .timeout(Duration.ofSeconds(15))
                .GET()
                .build());
  }

  /** Milliseconds since the load began. */
  long elapsedMs() {
    return (System.nanoTime() - began) / 1_000_000;
  }

  /** Waits for the loop to end and returns every result. */
  List<Result> await() throws InterruptedException {
    pool.shutdown();
    if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
      pool.shutdownNow();
      throw new AssertionError("the load loop did not stop");
    }
    return new ArrayList<>(results);
  }

  /** "200×1234, 503 unavailable×5" — for assertion messages. */
  static String summary(List<Result> results) {
    Map<String, Integer> counts = new TreeMap<>();
    long slowest = 0;
    for (Result r : results) {
      counts.merge(r.status() + (r.error() == null ? "" : " " + r.error()), 1, Integer::sum);
      slowest = Math.max(slowest, r.millis());
    }
    return counts + ", slowest " + slowest + " ms";
  }
}
