package io.dynagate.fleet;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.dynagate.support.RedisProcess;
import io.dynagate.support.RedisSentinel;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway behind Redis Sentinel (one master, one replica; {@code client-type=sentinel}, {@code
 * role=master}), on database {@value RedisSentinel#DATABASE} as the sentinel URLs name it: keys and
 * the fleet channel follow that database; a killed master is replaced by its replica.
 */
@QuarkusTest
@TestProfile(RedisSentinelTest.BehindSentinel.class)
class RedisSentinelTest extends TopologyContract {

  /** The gateway behind sentinels of its own. */
  public static class BehindSentinel implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(RedisSentinel.class));
    }
  }

  private static final String CHANNEL = "dynagate:events:" + RedisSentinel.DATABASE;

  @Override
  String expectedChannel() {
    return CHANNEL;
  }

  @Override
  int subscribers() {
    RedisSentinel s = RedisSentinel.current();
    List<RedisProcess> up = new ArrayList<>(s.replicas());
    up.add(s.master());
    return up.stream().mapToInt(n -> RedisProcess.subscribers(n.port(), CHANNEL)).sum();
  }

  @Override
  void publishFromAnotherNode(String message) {
    // what another replica does: publish on the master (a replica's PUBLISH stays on the replica)
    RedisSentinel.current().master().cli("PUBLISH", CHANNEL, message);
  }

  @Override
  String onMasterOf(String key, String... command) {
    List<String> args = new ArrayList<>(List.of("-n", Integer.toString(RedisSentinel.DATABASE)));
    args.addAll(List.of(command));
    return RedisSentinel.current().master().cli(args.toArray(String[]::new));
  }

  @Override
  void assertNoReadReachedAReplica() {
    List<RedisProcess> replicas = RedisSentinel.current().replicas();
    assertFalse(replicas.isEmpty());
    for (RedisProcess r : replicas) {
      String stats = r.cli("INFO", "commandstats");
      for (String read : List.of("cmdstat_get:", "cmdstat_hgetall:", "cmdstat_exists:")) {
        assertFalse(stats.contains(read), () -> "replica " + r.port() + " served " + read);
      }
    }
  }

  @Override
  void killMasterOf(String key) {
    RedisSentinel.current().master().crash();
  }

  @Override
  Duration windowBound() {
    // down-after 1 s, the sentinel's vote and promotion, the client's 1 s topology cache, slack
    return Duration.ofSeconds(8);
  }
}
