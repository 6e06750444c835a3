package io.dynagate.support;

import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} of the test's own (from the PATH) on a free port, without persistence and
 * not daemonized, so that a test can freeze it ({@code kill -STOP}) without touching the shared
 * Redis. The gateway is pointed at it; its pid is published as config property {@value #PID}.
 */
public class OwnRedis implements QuarkusTestResourceLifecycleManager {
  /** Config property holding the server's pid. */
  public static final String PID = "test.own-redis.pid";

  private Process process;

  @Override
  public Map<String, String> start() {
    int port = freePort();
    try {
      process =
          new ProcessBuilder(
                  "redis-server",
                  "--port",
                  Integer.toString(port),
                  "--bind",
                  "127.0.0.1",
                  "--save",
                  "",
                  "--appendonly",
                  "no",
                  "--daemonize",
                  "no")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("redis-server must be on the PATH", e);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> RedisProcess.answersPing(port));
    String url = "redis://127.0.0.1:" + port;
    // the profiled key too: a %test value from the environment would otherwise win
    return Map.of(
        "quarkus.redis.hosts",
        url,
        "%test.quarkus.redis.hosts",
        url,
        PID,
        Long.toString(process.pid()));
  }

  @Override
  public void stop() {
    if (process == null) {
      return;
    }
    thaw(process.pid()); // a stopped process cannot act on SIGTERM
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** Freezes the server: connections stay open, nothing is answered. */
  public static void freeze(long pid) {
    signal(pid, "STOP");
  }

  /** Lets a frozen server go on (harmless when it is not frozen). */
  public static void thaw(long pid) {
    signal(pid, "CONT");
  }

  private static void signal(long pid, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
