package io.dynagate.support;

import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Redis with Sentinel of the test's own: one master, one replica and {@value #DEFAULT_SENTINELS}
 * sentinel(s) ({@code redis-server <conf> --sentinel}; the {@code redis-sentinel} binary may be
 * absent), master name {@value #MASTER_NAME}, a master silent for 1 s is failed over. The gateway
 * is pointed at the sentinels ({@code client-type=sentinel}, {@code role=master}, automatic
 * failover on), database {@value #DATABASE}. Every process is killed at stop.
 */
public class RedisSentinel implements QuarkusTestResourceLifecycleManager {
  /** Name of the monitored master. */
  public static final String MASTER_NAME = "dynagate-master";

  /** Database the gateway uses (named in the sentinel URLs). */
  public static final int DATABASE = 2;

  /** How long the master may be silent before the sentinels fail it over. */
  public static final Duration DOWN_AFTER = Duration.ofSeconds(1);

  static final int DEFAULT_SENTINELS = 1;

  private static volatile RedisSentinel current;

  private final List<RedisProcess> servers = new ArrayList<>();
  private final List<RedisProcess> sentinels = new ArrayList<>();
  private Path dir;

  /** The running set-up of the current test class. */
  public static RedisSentinel current() {
    return current;
  }

  @Override
  public Map<String, String> start() {
    int count = DEFAULT_SENTINELS;
    dir = RedisProcess.tempDir("redis-sentinel");
    try {
      RedisProcess master = RedisProcess.launch();
      servers.add(master);
      servers.add(
          RedisProcess.launch(
              RedisProcess.freePort(),
              List.of("--replicaof", "127.0.0.1", Integer.toString(master.port()))));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> servers.get(1).cli("INFO", "replication").contains("master_link_status:up"));
      int quorum = count / 2 + 1;
      for (int i = 0; i < count; i++) {
        int port = RedisProcess.freePort();
        Path conf = dir.resolve("sentinel-" + port + ".conf");
        Files.writeString(
            conf,
            String.join(
                "\n",
                "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " " + quorum,
                "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER.toMillis(),
                "sentinel failover-timeout " + MASTER_NAME + " 10000",
                "sentinel parallel-syncs " + MASTER_NAME + " 1",
                ""));
        sentinels.add(RedisProcess.sentinel(port, conf));
      }
      // the sentinels know the replica (else there is nobody to promote)
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  sentinels.stream()
                      .allMatch(
                          s ->
                              s.cli("SENTINEL", "REPLICAS", MASTER_NAME)
                                  .contains(Integer.toString(servers.get(1).port()))));
    } catch (IOException | RuntimeException e) {
      stop();
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
    current = this;
    String hosts =
        sentinels.stream()
            .map(s -> "redis://127.0.0.1:" + s.port() + "/" + DATABASE)
            .collect(Collectors.joining(","));
    Map<String, String> config = new HashMap<>();
    for (String profile : List.of("", "%test.")) {
      config.put(profile + "quarkus.redis.hosts", hosts);
      config.put(profile + "quarkus.redis.client-type", "sentinel");
      config.put(profile + "quarkus.redis.master-name", MASTER_NAME);
      config.put(profile + "quarkus.redis.role", "master");
      config.put(profile + "quarkus.redis.auto-failover", "true");
    }
    return config;
  }

  @Override
  public void stop() {
    sentinels.forEach(RedisProcess::stop);
    servers.forEach(RedisProcess::stop);
    RedisProcess.deleteDir(dir);
    current = null;
  }

  /** The port of the master as the (first running) sentinel names it now. */
  public int masterPort() {
    RedisProcess s = sentinels.stream().filter(RedisProcess::alive).findFirst().orElseThrow();
    String[] reply = s.cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME).split("\n");
    return Integer.parseInt(reply[reply.length - 1].trim());
  }

  /** The current master's process. */
  public RedisProcess master() {
    int port = masterPort();
    return servers.stream().filter(s -> s.port() == port).findFirst().orElseThrow();
  }

  /** The data servers that are not the current master (and are up). */
  public List<RedisProcess> replicas() {
    int port = masterPort();
    return servers.stream().filter(s -> s.port() != port && s.alive()).toList();
  }

  /** Waits until the sentinels name a master other than {@code oldPort} and it answers writes. */
  public void awaitNewMaster(int oldPort, Duration atMost) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                masterPort() != oldPort
                    && master().cli("INFO", "replication").contains("role:master"));
  }
}
