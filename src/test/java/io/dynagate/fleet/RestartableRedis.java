package io.dynagate.fleet;

import io.dynagate.support.RedisProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The gateway's Redis is a {@code redis-server} of the test's own that the test may crash and start
 * again on the same port. Before the gateway starts, the server already holds a throttle hold for
 * connection {@value #HELD_AT_START} (as another replica would have left it), so a test can see
 * that a replica starting during a hold learns it.
 */
public class RestartableRedis implements QuarkusTestResourceLifecycleManager {
  /** Connection id held for five minutes from before the gateway's start. */
  public static final String HELD_AT_START = "held-at-start";

  private static volatile RedisProcess server;

  /** The running server of the current test class. */
  static RedisProcess server() {
    return server;
  }

  @Override
  public Map<String, String> start() {
    server = RedisProcess.launch();
    long end = System.currentTimeMillis() + 300_000;
    server.cli("ZADD", "dynagate:holds", Long.toString(end), HELD_AT_START);
    String url = server.url();
    return Map.of("quarkus.redis.hosts", url, "%test.quarkus.redis.hosts", url);
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop();
    }
  }
}
