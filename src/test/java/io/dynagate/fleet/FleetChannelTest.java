package io.dynagate.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fleet channel is per Redis database, like the keys. */
class FleetChannelTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "redis://localhost:6379, dynagate:events:0",
    "redis://localhost:6379/, dynagate:events:0",
    "redis://localhost:6379/0, dynagate:events:0",
    "redis://localhost:6379/1, dynagate:events:1",
    "redis://:secret@redis.internal:6380/12, dynagate:events:12",
    "rediss://redis.internal/3, dynagate:events:3",
    "redis://localhost:6379?db=4, dynagate:events:4",
    "redis://localhost:6379/?timeout=2&db=5, dynagate:events:5"
  })
  void channelNamesTheDatabase(String url, String channel) {
    assertEquals(channel, FleetEvents.channel(url));
  }

  /** Sentinel URLs name the database the client selects on the master; a cluster has only 0. */
  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "standalone, redis://localhost:6379/2, dynagate:events:2",
    "STANDALONE, redis://localhost:6379/2, dynagate:events:2",
    "sentinel, redis://sentinel-1:26379/2, dynagate:events:2",
    "sentinel, redis://sentinel-1:26379, dynagate:events:0",
    "cluster, redis://node-1:7000, dynagate:events:0",
    "cluster, redis://node-1:7000/3, dynagate:events:0",
    "CLUSTER, redis://node-1:7000/3, dynagate:events:0"
  })
  void channelFollowsTheClientType(String type, String url, String channel) {
    assertEquals(channel, FleetEvents.channel(type, url));
  }
}
