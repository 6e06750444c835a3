package io.dynagate.fleet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.support.RedisCluster;
import io.dynagate.support.RedisProcess;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;

/**
 * The gateway on a Redis Cluster (three masters, three replicas; {@code client-type=cluster},
 * {@code replicas=never}). Fleet events use database 0; a {@code PUBLISH} on any node reaches the
 * gateway's subscription on another; a killed master's replica takes over.
 */
@QuarkusTest
@TestProfile(RedisClusterTest.OnACluster.class)
class RedisClusterTest extends TopologyContract {

  /** The gateway on a cluster of its own. */
  public static class OnACluster implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(RedisCluster.class));
    }
  }

  private static final String CHANNEL = "dynagate:events:0";

  @Override
  String expectedChannel() {
    return CHANNEL;
  }

  @Override
  int subscribers() {
    // PUBSUB NUMSUB is local to a node: the sum over the nodes counts each subscription once
    return RedisCluster.current().running().stream()
        .mapToInt(n -> RedisProcess.subscribers(n.port(), CHANNEL))
        .sum();
  }

  @Override
  void publishFromAnotherNode(String message) {
    RedisProcess node =
        RedisCluster.current().running().stream()
            .filter(n -> RedisProcess.subscribers(n.port(), CHANNEL) == 0)
            .findFirst()
            .orElseThrow();
    // the cluster bus carries it to the node the gateway listens on
    node.cli("PUBLISH", CHANNEL, message);
  }

  @Override
  String onMasterOf(String key, String... command) {
    return RedisCluster.current().node(RedisCluster.current().masterOf(key)).cli(command);
  }

  @Override
  void assertNoReadReachedAReplica() {
    List<Integer> replicas = RedisCluster.current().replicas();
    assertFalse(replicas.isEmpty());
    for (int port : replicas) {
      String stats = RedisProcess.cli(port, "INFO", "commandstats");
      for (String read : List.of("cmdstat_get:", "cmdstat_hgetall:", "cmdstat_exists:")) {
        assertFalse(stats.contains(read), () -> "replica " + port + " served " + read);
      }
    }
    assertTrue(RedisCluster.current().masters().size() >= 3);
  }

  @Override
  void killMasterOf(String key) {
    RedisCluster.current().node(RedisCluster.current().masterOf(key)).crash();
  }

  @Override
  Duration windowBound() {
    // node timeout, replica election (up to ~1.5 s), the client's 1 s slot cache, and slack
    return Duration.ofSeconds(8);
  }
}
