// Refresh-storm client of deploy/bench/run: fires N GET requests at once, spread round-robin over
// the given gateway URLs, waits for all of them (bounded), and prints one summary line:
//
//   storm requests=1000 seconds=0.84 p50_ms=310.2 p99_ms=702.9 max_ms=731.0 statuses=200:1000
//
// Usage: java Storm.java <count> <timeout-seconds> <header-name> <header-value> <url> [<url>…]
//
// JDK 17 only (java.net.http, single-file source launch); no dependencies.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

public class Storm {
  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      System.err.println(
          "usage: java Storm.java <count> <timeout-seconds> <header-name> <header-value> <url>…");
      System.exit(2);
    }
    int count = Integer.parseInt(args[0]);
    Duration timeout = Duration.ofSeconds(Long.parseLong(args[1]));
    String headerName = args[2];
    String headerValue = args[3];
    List<URI> urls = new ArrayList<>();
    for (String u : Arrays.asList(args).subList(4, args.length)) {
      urls.add(URI.create(u));
    }

    var executor = Executors.newFixedThreadPool(4);
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade attempt
            .connectTimeout(timeout)
            .executor(executor)
            .build();

    List<HttpRequest> requests = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      requests.add(
          HttpRequest.newBuilder(urls.get(i % urls.size()))
              .timeout(timeout)
              .header(headerName, headerValue)
              .header("Accept", "application/json")
              .GET()
              .build());
    }

    long[] latencies = new long[count];
    String[] outcomes = new String[count];
    List<CompletableFuture<Void>> all = new ArrayList<>(count);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      final int n = i;
      final long sent = System.nanoTime();
      all.add(
          client
              .sendAsync(requests.get(i), HttpResponse.BodyHandlers.discarding())
              .handle(
                  (r, e) -> {
                    latencies[n] = System.nanoTime() - sent;
                    outcomes[n] =
                        e != null
                            ? "error:" + rootCause(e).getClass().getSimpleName()
                            : Integer.toString(r.statusCode());
                    return null;
                  }));
    }
    try {
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
          .get(timeout.toSeconds() + 5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // counted below as "unfinished"
    }
    double seconds = (System.nanoTime() - start) / 1e9;

    Map<String, Integer> statuses = new TreeMap<>();
    List<Long> done = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String o = outcomes[i] == null ? "unfinished" : outcomes[i];
      statuses.merge(o, 1, Integer::sum);
      if (outcomes[i] != null) {
        done.add(latencies[i]);
      }
    }
    done.sort(null);
    StringBuilder s = new StringBuilder();
    statuses.forEach((k, v) -> s.append(s.length() == 0 ? "" : ",").append(k).append(':').append(v));
    System.out.printf(
        java.util.Locale.ROOT,
        "storm requests=%d seconds=%.2f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f statuses=%s%n",
        count,
        seconds,
        percentile(done, 50),
        percentile(done, 99),
        done.isEmpty() ? 0.0 : done.get(done.size() - 1) / 1e6,
        s);
    executor.shutdownNow();
    System.exit(0);
  }

  /** Nearest-rank percentile in milliseconds (0 when nothing finished). */
  private static double percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1)) / 1e6;
  }

  private static Throwable rootCause(Throwable e) {
    while (e.getCause() != null && e.getCause() != e) {
      e = e.getCause();
    }
    return e;
  }
}
