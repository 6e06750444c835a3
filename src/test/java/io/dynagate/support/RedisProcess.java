package io.dynagate.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code redis-server} (from the PATH) of a test's own on 127.0.0.1, without persistence and
 * not daemonized, that the test may kill ({@code kill -9}) and start again on the same port. {@link
 * #cli} runs {@code redis-cli} against any port. Used by {@link RedisCluster}, {@link
 * RedisSentinel} and the fleet tests.
 */
public final class RedisProcess {
  private final int port;
  private final List<String> command;
  private Process process;

  private RedisProcess(int port, List<String> command) {
    this.port = port;
    this.command = List.copyOf(command);
  }

  /** Starts a server on a free port with the given extra arguments. */
  public static RedisProcess launch(String... extraArgs) {
    return launch(freePort(), List.of(extraArgs));
  }

  /** Starts a server on {@code port} with the given extra arguments. */
  public static RedisProcess launch(int port, List<String> extraArgs) {
    List<String> command = new ArrayList<>();
    command.add("redis-server");
    command.addAll(defaults(port));
    command.addAll(extraArgs);
    RedisProcess r = new RedisProcess(port, command);
    r.start();
    return r;
  }

  /** A sentinel on {@code port} from a (writable) configuration file. */
  public static RedisProcess sentinel(int port, Path config) {
    RedisProcess r =
        new RedisProcess(
            port,
            List.of(
                "redis-server",
                config.toString(),
                "--sentinel",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--daemonize",
                "no"));
    r.start();
    return r;
  }

  /** Starts the server (again) on its port and waits until it answers. */
  public synchronized void start() {
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      LIVE.add(process);
    } catch (IOException e) {
      throw new IllegalStateException("redis-server must be on the PATH", e);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> answersPing(port));
  }

  private static List<String> defaults(int port) {
    // a directory of its own: a replica writes the RDB of its full sync there, never into the tree
    return List.of(
        "--dir",
        tempDir("redis-" + port).toString(),
        "--port",
        Integer.toString(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no");
  }

  private void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The server's pid (to freeze or thaw it). */
  public synchronized long pid() {
    return process.pid();
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  /** {@code kill -9}: no goodbye to the clients, they see the connection drop. */
  public synchronized void crash() {
    if (process == null) {
      return;
    }
    kill();
    await().atMost(Duration.ofSeconds(5)).until(() -> !answersPing(port));
  }

  /** Stops the server for good ({@code kill -9}: nothing of it is kept anyway). */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    kill();
    LIVE.remove(process);
  }

  // every server still running when the JVM ends is killed with it (a test JVM may end before
  // the last test resource is stopped)
  private static final java.util.Set<Process> LIVE =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "redis-reaper"));
  }

  /** {@code redis-cli -p <port> args…}, its output (trimmed); fails on a non-zero exit. */
  public static String cli(int port, String... args) {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p"));
    command.add(Integer.toString(port));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", args) + " failed: " + new String(out, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new IllegalStateException("redis-cli must be on the PATH", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code redis-cli} against this server. */
  public String cli(String... args) {
    return cli(port, args);
  }

  /** Subscribers of {@code channel} on this server ({@code PUBSUB NUMSUB}). */
  public static int subscribers(int port, String channel) {
    String[] lines = cli(port, "PUBSUB", "NUMSUB", channel).split("\n");
    return Integer.parseInt(lines[lines.length - 1].trim());
  }

  public static boolean answersPing(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.readNBytes(buf, 0, 7);
      return new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A port of this suite's Redis range ({@value #FIRST_PORT}–{@value #LAST_PORT}) that is free, and
   * whose cluster bus port (+{@value #BUS_OFFSET}) is free too. Redis binds its own ports, so the
   * port is probed, then handed to {@code redis-server}.
   */
  public static synchronized int freePort() {
    int span = LAST_PORT - FIRST_PORT + 1;
    int start = java.util.concurrent.ThreadLocalRandom.current().nextInt(span);
    for (int i = 0; i < span; i++) {
      int port = FIRST_PORT + (start + i) % span;
      if (!taken.contains(port) && bindable(port) && bindable(port + BUS_OFFSET)) {
        taken.add(port);
        return port;
      }
    }
    throw new IllegalStateException("no free port in " + FIRST_PORT + "-" + LAST_PORT);
  }

  /** First port of the range the Redis processes of this suite use. */
  public static final int FIRST_PORT = 6410;

  /** Last port of that range. */
  public static final int LAST_PORT = 6499;

  /** Cluster bus port = port + this. */
  public static final int BUS_OFFSET = 10_000;

  // ports handed out in this JVM (a crashed server's port stays its own for the restart)
  private static final java.util.Set<Integer> taken = new java.util.HashSet<>();

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A fresh temporary directory for configuration and node files. */
  public static Path tempDir(String prefix) {
    try {
      return java.nio.file.Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Deletes a directory made by {@link #tempDir} (best effort). */
  public static void deleteDir(Path dir) {
    if (dir == null) {
      return;
    }
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temporary directory; the OS cleans it up eventually
    }
  }
}
