package io.dynagate.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
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

  private RedisProcess redis;

  @Override
  public Map<String, String> start() {
    redis = RedisProcess.launch();
    String url = redis.url();
    // the profiled key too: a %test value from the environment would otherwise win
    return Map.of(
        "quarkus.redis.hosts",
        url,
        "%test.quarkus.redis.hosts",
        url,
        PID,
        Long.toString(redis.pid()));
  }

  @Override
  public void stop() {
    if (redis == null) {
      return;
    }
    thaw(redis.pid()); // harmless when it is not frozen
    redis.stop();
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
}
