package io.dynagate.support;

import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of the test's own: three masters and three replicas ({@code redis-server
 * --cluster-enabled yes}, joined with {@code redis-cli --cluster create … --cluster-replicas 1}),
 * node timeout 1 s so that a killed master's replica takes over within a few seconds. The gateway
 * is pointed at it in cluster mode, masters only. Every process is killed at stop.
 */
public class RedisCluster implements QuarkusTestResourceLifecycleManager {
  /** Node timeout: how long a master may be silent before its replica is promoted. */
  public static final Duration NODE_TIMEOUT = Duration.ofSeconds(1);

  private static volatile RedisCluster current;

  private final List<RedisProcess> nodes = new ArrayList<>();
  private Path dir;

  /** The running cluster of the current test class. */
  public static RedisCluster current() {
    return current;
  }

  @Override
  public Map<String, String> start() {
    dir = RedisProcess.tempDir("redis-cluster");
    try {
      for (int i = 0; i < 6; i++) {
        int port = RedisProcess.freePort();
        nodes.add(
            RedisProcess.launch(
                port,
                List.of(
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    dir.resolve("nodes-" + port + ".conf").toString(),
                    "--cluster-node-timeout",
                    Long.toString(NODE_TIMEOUT.toMillis()),
                    "--cluster-port",
                    Integer.toString(port + RedisProcess.BUS_OFFSET),
                    "--cluster-replica-validity-factor",
                    "0",
                    "--dir",
                    dir.toString())));
      }
      List<String> create = new ArrayList<>(List.of("--cluster", "create"));
      nodes.forEach(n -> create.add("127.0.0.1:" + n.port()));
      create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
      RedisProcess.cli(nodes.get(0).port(), create.toArray(String[]::new));
      awaitHealthy(Duration.ofSeconds(30));
      // replicas must have their master's data before a failover can keep it
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> replicas().stream().allMatch(RedisCluster::replicationUp));
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
    current = this;
    String hosts =
        masters().stream().map(p -> "redis://127.0.0.1:" + p).collect(Collectors.joining(","));
    Map<String, String> config = new HashMap<>();
    for (String profile : List.of("", "%test.")) {
      config.put(profile + "quarkus.redis.hosts", hosts);
      config.put(profile + "quarkus.redis.client-type", "cluster");
      config.put(profile + "quarkus.redis.replicas", "never");
    }
    return config;
  }

  @Override
  public void stop() {
    nodes.forEach(RedisProcess::stop);
    RedisProcess.deleteDir(dir);
    current = null;
  }

  /** Waits until every running node reports {@code cluster_state:ok} with all slots served. */
  public void awaitHealthy(Duration atMost) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                running().stream()
                    .allMatch(
                        n -> {
                          String info = n.cli("CLUSTER", "INFO");
                          return info.contains("cluster_state:ok")
                              && info.contains("cluster_slots_ok:16384");
                        }));
  }

  /** The running nodes. */
  public List<RedisProcess> running() {
    return nodes.stream().filter(RedisProcess::alive).toList();
  }

  /** Ports of the masters, as a running node sees them now. */
  public List<Integer> masters() {
    return roles().entrySet().stream()
        .filter(e -> e.getValue().master())
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  /** Ports of the replicas, as a running node sees them now. */
  public List<Integer> replicas() {
    return roles().entrySet().stream()
        .filter(e -> !e.getValue().master())
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  /** The port of the master that serves {@code key}'s slot. */
  public int masterOf(String key) {
    RedisProcess any = running().get(0);
    int slot = Integer.parseInt(any.cli("CLUSTER", "KEYSLOT", key));
    for (Map.Entry<Integer, Node> e : roles().entrySet()) {
      Node n = e.getValue();
      if (n.master() && n.serves(slot)) {
        return e.getKey();
      }
    }
    throw new IllegalStateException("no master serves slot " + slot);
  }

  /** The node process on {@code port}. */
  public RedisProcess node(int port) {
    return nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
  }

  private record Node(boolean master, List<int[]> slots) {
    boolean serves(int slot) {
      return slots.stream().anyMatch(r -> slot >= r[0] && slot <= r[1]);
    }
  }

  /** {@code CLUSTER NODES} of a running node: port → role and slots (failed nodes left out). */
  private Map<Integer, Node> roles() {
    String table = running().get(0).cli("CLUSTER", "NODES");
    Map<Integer, Node> roles = new HashMap<>();
    for (String line : table.split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length < 8 || f[2].contains("fail")) {
        continue;
      }
      String address = f[1].substring(0, f[1].indexOf('@'));
      int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
      List<int[]> slots = new ArrayList<>();
      for (int i = 8; i < f.length; i++) {
        if (f[i].startsWith("[")) {
          continue; // a slot being migrated
        }
        String[] range = f[i].split("-");
        int from = Integer.parseInt(range[0]);
        slots.add(new int[] {from, range.length > 1 ? Integer.parseInt(range[1]) : from});
      }
      roles.put(port, new Node(f[2].contains("master"), slots));
    }
    return roles;
  }

  private static boolean replicationUp(int port) {
    return RedisProcess.cli(port, "INFO", "replication").contains("master_link_status:up");
  }

  /** Directory of the nodes' files. */
  public Path dir() {
    return dir;
  }
}
