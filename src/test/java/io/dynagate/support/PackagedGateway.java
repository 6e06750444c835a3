package io.dynagate.support;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged application ({@code target/quarkus-app}, built by {@code ./mvnw package}) started
 * the way an operator does: its own process in the prod profile, HTTP and management on port 0, the
 * test database and Redis, no {@code DYNAGATE_*} variable of the environment that runs the tests,
 * stdout and stderr together in {@code dynagate.out} of its working directory.
 *
 * <p>The output is only ever searched for substrings of a message, so it may be plain text or JSON
 * lines. The database and Redis are the test profile's: system property {@code
 * dynagate.it.datasource.reactive-url} / {@code dynagate.it.datasource.jdbc-url} / {@code
 * dynagate.it.redis.hosts}, else the {@code _TEST_QUARKUS_*} variable a run sets for the test
 * profile, else {@code dynagate_test} and Redis database 1.
 */
public final class PackagedGateway implements AutoCloseable {
  /**
   * {@code Listening on: http://0.0.0.0:1234}, also inside a JSON string (where {@code /} may be
   * written {@code \/}).
   */
  private static final Pattern HTTP_PORT =
      Pattern.compile("Listening on: https?:(?:\\\\?/){2}[^\\s:\"\\\\]+:(\\d+)");

  /** {@code Management interface listening on http://0.0.0.0:1234}, plain or in JSON. */
  private static final Pattern MANAGEMENT_PORT =
      Pattern.compile(
          "Management interface listening on https?:(?:\\\\?/){2}[^\\s:\"\\\\]+:(\\d+)");

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Process process;
  private final Path outputFile;
  // read once from the output: a bound port does not change while the process lives
  private volatile int httpPort;
  private volatile int managementPort;

  private PackagedGateway(Process process, Path outputFile) {
    this.process = process;
    this.outputFile = outputFile;
  }

  /** A gateway to start in {@code workDir} (created if missing). */
  public static Builder in(Path workDir) {
    return new Builder(workDir);
  }

  /** What to start: extra environment and JVM arguments on top of the defaults. */
  public static final class Builder {
    private final Path workDir;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private boolean withoutInheritedQuarkusVariables;

    private Builder(Path workDir) {
      this.workDir = workDir;
    }

    /** Variables set after the defaults (so they may override them). */
    public Builder env(Map<String, String> extra) {
      env.putAll(extra);
      return this;
    }

    /** One variable set after the defaults. */
    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    /** JVM options before {@code -jar}. */
    public Builder jvmArgs(String... args) {
      jvmArgs.addAll(List.of(args));
      return this;
    }

    /** Also drops the {@code QUARKUS_*} variables of the environment that runs the tests. */
    public Builder withoutInheritedQuarkusVariables() {
      withoutInheritedQuarkusVariables = true;
      return this;
    }

    public PackagedGateway start() throws IOException {
      Path jar = runnerJar();
      assertTrue(Files.isRegularFile(jar), () -> jar + " is missing; run ./mvnw package first");
      Files.createDirectories(workDir);
      Path outputFile = workDir.resolve("dynagate.out");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmArgs);
      command.add("-jar");
      command.add(jar.toString());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              // An own working directory: no .env or config/application.properties sneaks in.
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(outputFile.toFile());
      Map<String, String> environment = builder.environment();
      environment
          .keySet()
          .removeIf(
              n ->
                  n.startsWith("DYNAGATE_")
                      || (withoutInheritedQuarkusVariables && n.startsWith("QUARKUS_")));
      environment.put("QUARKUS_PROFILE", "prod");
      environment.put("QUARKUS_HTTP_PORT", "0");
      environment.put("QUARKUS_MANAGEMENT_PORT", "0");
      environment.put("QUARKUS_DATASOURCE_REACTIVE_URL", reactiveUrl());
      environment.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl());
      environment.put("QUARKUS_REDIS_HOSTS", redisHosts());
      environment.putAll(env);
      return new PackagedGateway(builder.start(), outputFile);
    }
  }

  /** {@code dynagate.runner-jar}, else {@code target/quarkus-app/quarkus-run.jar}. */
  public static Path runnerJar() {
    return Path.of(System.getProperty("dynagate.runner-jar", "target/quarkus-app/quarkus-run.jar"))
        .toAbsolutePath();
  }

  /** The test database, reactive form. */
  public static String reactiveUrl() {
    return setting(
        "dynagate.it.datasource.reactive-url",
        "_TEST_QUARKUS_DATASOURCE_REACTIVE_URL",
        "postgresql://localhost:5432/dynagate_test");
  }

  /** The test database, JDBC form. */
  public static String jdbcUrl() {
    return setting(
        "dynagate.it.datasource.jdbc-url",
        "_TEST_QUARKUS_DATASOURCE_JDBC_URL",
        "jdbc:postgresql://localhost:5432/dynagate_test");
  }

  /** The test Redis. */
  public static String redisHosts() {
    return setting(
        "dynagate.it.redis.hosts", "_TEST_QUARKUS_REDIS_HOSTS", "redis://localhost:6379/1");
  }

  /** The database number of {@link #redisHosts()}: {@code redis://host:6379/5} → 5; none → 0. */
  public static int redisDatabase() {
    String path = URI.create(redisHosts().split(",")[0].trim()).getPath();
    return path == null || path.length() <= 1 ? 0 : Integer.parseInt(path.substring(1));
  }

  /** A base64 AES key of {@code bytes} random bytes (32 for a valid one). */
  public static String randomKey(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  private static String setting(String property, String variable, String fallback) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(variable);
    }
    return value == null || value.isBlank() ? fallback : value;
  }

  /** Combined stdout and stderr so far ("" before the first byte). */
  public String output() {
    try {
      // Lenient decoding: the process may be in the middle of writing a line.
      return new String(Files.readAllBytes(outputFile), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The output so far, line by line (a JSON log: one object per line). */
  public List<String> lines() {
    return output().lines().toList();
  }

  /**
   * Waits until the output says {@code " started in "} or the process exited (at most {@code
   * atMost}, else Awaitility's timeout); whether it is up.
   */
  public boolean awaitStarted(Duration atMost) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !process.isAlive() || output().contains(" started in "));
    return process.isAlive();
  }

  /** Whether the process exited within {@code atMost}. */
  public boolean awaitExit(Duration atMost) throws InterruptedException {
    return process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public int exitValue() {
    return process.exitValue();
  }

  /** The HTTP port it bound, from its start message. */
  public int httpPort() {
    if (httpPort == 0) {
      httpPort = port(HTTP_PORT, output());
    }
    return httpPort;
  }

  /** The management port it bound, from its start message. */
  public int managementPort() {
    if (managementPort == 0) {
      managementPort = port(MANAGEMENT_PORT, output());
    }
    return managementPort;
  }

  static int httpPortIn(String out) {
    return port(HTTP_PORT, out);
  }

  static int managementPortIn(String out) {
    return port(MANAGEMENT_PORT, out);
  }

  private static int port(Pattern pattern, String out) {
    Matcher m = pattern.matcher(out);
    assertTrue(m.find(), () -> "no " + pattern + " in\n" + out);
    return Integer.parseInt(m.group(1));
  }

  /** SIGTERM: the graceful shutdown an orchestrator asks for. */
  public void sigterm() {
    process.destroy();
  }

  /** SIGKILL, and up to 10 s for the process to be gone. */
  public void stop() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** {@link #stop()}; an interrupt while waiting is kept for the caller. */
  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
