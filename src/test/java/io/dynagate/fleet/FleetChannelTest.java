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
    "rediss://redis.internal/3, dynagate:events:3"
  })
  void channelNamesTheDatabase(String url, String channel) {
    assertEquals(channel, FleetEvents.channel(url));
  }
}
