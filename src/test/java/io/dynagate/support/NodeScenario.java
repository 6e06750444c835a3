package io.dynagate.support;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Node.js script from {@code src/test/node} (a real client library, not our own code) and
 * hands back the JSON document it prints: {@code {"meta":{…},"ops":[{op, ok, status, code, message,
 * result, error, wire}, …]}}.
 *
 * <p>The config map is written to a temporary JSON file whose path is the script's only argument;
 * the file is deleted afterwards (it may hold an API key). {@code node} comes from the {@code
 * PATH}; the npm packages from {@code src/test/node/node_modules}, which {@code npm ci} fills in
 * the {@code generate-test-resources} phase. The child gets no {@code http_proxy} / {@code
 * https_proxy} variables: DynamicsWebApi would route even {@code 127.0.0.1} through them.
 *
 * <p>The run fails the test (an {@link AssertionError} carrying the script's stderr) when node is
 * missing, the script does not end within the timeout, exits with a non-zero code, or prints
 * anything but one JSON object with an {@code ops} array. A scenario whose operations failed is not
 * a failed run: the ops record what happened and the test asserts on them.
 *
 * <pre>{@code
 * Map<String, Object> config = NodeScenario.dwaConfig(gateway + "/proxy/" + id, "bearer", key);
 * NodeScenario.Result run = NodeScenario.dynamicsWebApi().run(config);
 * assertTrue(run.op("create").ok(), run.summary());
 * }</pre>
 */
public final class NodeScenario {

  /** The DynamicsWebApi 2.5.0 scenario (see the comment at the top of the script). */
  public static final String DWA_SCENARIO = "dwa-scenario.mjs";

  /** Where the Node project lives, relative to the Maven base directory. */
  public static final Path NODE_PROJECT = Path.of("src", "test", "node");

  /** Longer than the scenario's own overall bound (60 s, then 5 s grace). */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(90);

  private static final int STDERR_TAIL = 6000;

  private final Path directory;
  private final String script;
  private final Duration timeout;

  NodeScenario(Path directory, String script, Duration timeout) {
    this.directory = directory;
    this.script = script;
    this.timeout = timeout;
  }

  /** A script of {@code src/test/node}, run with {@link #DEFAULT_TIMEOUT}. */
  public static NodeScenario script(String script) {
    return new NodeScenario(NODE_PROJECT.toAbsolutePath(), script, DEFAULT_TIMEOUT);
  }

  /** The DynamicsWebApi scenario, {@value #DWA_SCENARIO}. */
  public static NodeScenario dynamicsWebApi() {
    return script(DWA_SCENARIO);
  }

  /** The same script with another bound on the whole run (the child is killed after it). */
  public NodeScenario timeout(Duration timeout) {
    return new NodeScenario(directory, script, timeout);
  }

  /**
   * A config for {@value #DWA_SCENARIO}.
   *
   * @param serverUrl {@code http://127.0.0.1:P/proxy/<connectionId>} (or an emulator's base URL)
   * @param mode {@code header} (X-Api-Key header plus a foreign bearer token), {@code headerOnly}
   *     (X-Api-Key, no Authorization), {@code bearer} (the key as {@code Authorization: Bearer}) or
   *     {@code token} ({@code secret} is an access token sent as the bearer)
   * @param secret the API key, or the access token in mode {@code token}
   */
  public static Map<String, Object> dwaConfig(String serverUrl, String mode, String secret) {
    Map<String, Object> auth = new LinkedHashMap<>();
    auth.put("mode", mode);
    auth.put(mode.equals("token") ? "token" : "key", secret);
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("serverUrl", serverUrl);
    config.put("auth", auth);
    config.put("runId", Long.toString(System.nanoTime(), 36));
    config.put("longQueryChars", 2100);
    return config;
  }

  /**
   * Runs the script with {@code config} and returns its document.
   *
   * @throws AssertionError when the run itself failed (see the class comment)
   */
  public Result run(Map<String, ?> config) {
    String node = findNode();
    Path configFile = null;
    Path out = null;
    Path err = null;
    try {
      configFile = Files.createTempFile("node-scenario-", ".json");
      out = Files.createTempFile("node-scenario-", ".out");
      err = Files.createTempFile("node-scenario-", ".err");
      Files.writeString(configFile, new JsonObject(copy(config)).encode());
      ProcessBuilder builder =
          new ProcessBuilder(node, script, configFile.toString())
              .directory(directory.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      for (String name : List.of("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")) {
        builder.environment().remove(name);
      }
      Process process = builder.start();
      boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!ended) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw failure("did not end within " + timeout, err);
      }
      if (process.exitValue() != 0) {
        throw failure("exited with code " + process.exitValue(), err);
      }
      String stdout = Files.readString(out, StandardCharsets.UTF_8);
      JsonObject document = parse(stdout);
      if (document == null || !(document.getValue("ops") instanceof JsonArray)) {
        throw failure(
            "did not print a JSON document with an \"ops\" array; stdout began with: "
                + abbreviate(stdout, 500),
            err);
      }
      return new Result(document, Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("could not run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + script, e);
    } finally {
      for (Path file : new Path[] {configFile, out, err}) {
        deleteQuietly(file);
      }
    }
  }

  private AssertionError failure(String what, Path err) throws IOException {
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    String hint =
        stderr.contains("ERR_MODULE_NOT_FOUND") || stderr.contains("Cannot find package")
            ? "\n(hint: run `npm ci` in "
                + NODE_PROJECT
                + "; `./mvnw generate-test-resources` does)"
            : "";
    return new AssertionError(
        "node "
            + script
            + " "
            + what
            + hint
            + "\n--- stderr (tail) ---\n"
            + tail(stderr, STDERR_TAIL));
  }

  private static String findNode() {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "node");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new AssertionError(
        "node is not on the PATH; install Node.js (.ci/run installs Debian's nodejs and npm)");
  }

  private static JsonObject parse(String stdout) {
    try {
      return new JsonObject(stdout.trim());
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> copy(Map<String, ?> config) {
    return new LinkedHashMap<>((Map<String, Object>) config);
  }

  private static String tail(String text, int max) {
    return text.length() <= max ? text : "…" + text.substring(text.length() - max);
  }

  private static String abbreviate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "…";
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a temp file left behind is harmless; the run's outcome matters more
    }
  }

  /**
   * The document a script printed.
   *
   * @param document the whole JSON document ({@code meta}, {@code ops})
   * @param stderr the script's diagnostics, for assertion messages
   */
  public record Result(JsonObject document, String stderr) {

    /** {@code meta}: library and node versions, mode, the data API URL used, timing. */
    public JsonObject meta() {
      return Optional.ofNullable(document.getJsonObject("meta")).orElseGet(JsonObject::new);
    }

    /** The ops in the order they ran. */
    public List<Op> ops() {
      List<Op> ops = new ArrayList<>();
      for (Object entry : document.getJsonArray("ops")) {
        ops.add(new Op((JsonObject) entry));
      }
      return ops;
    }

    /**
     * The op named {@code name} (the first, should a name repeat).
     *
     * @throws AssertionError when the script recorded no such op
     */
    public Op op(String name) {
      return ops().stream()
          .filter(o -> o.name().equals(name))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no op '" + name + "' in:\n" + summary()));
    }

    /** One line per op, for assertion messages. */
    public String summary() {
      StringBuilder text = new StringBuilder();
      ops().forEach(o -> text.append(o.describe()).append('\n'));
      return text.toString();
    }
  }

  /**
   * One recorded operation.
   *
   * @param json the op as the script wrote it
   */
  public record Op(JsonObject json) {

    /** The op's name, e.g. {@code retrieveMultiple.nextLink}. */
    public String name() {
      return json.getString("op");
    }

    /** Whether the library call resolved (for batches: and no part failed). */
    public boolean ok() {
      return Boolean.TRUE.equals(json.getBoolean("ok"));
    }

    /** {@code error.status} as the library reported it; null when ok or when there was none. */
    public Integer status() {
      return json.getInteger("status");
    }

    /**
     * {@code error.code} (Dataverse's or the gateway's {@code error.code}, or {@code harness.*}).
     */
    public String code() {
      return json.getString("code");
    }

    /** {@code error.message} as a caller of the library sees it. */
    public String message() {
      return json.getString("message");
    }

    /** The script's summary of what the library returned, or null. */
    public Object result() {
      return json.getValue("result");
    }

    /** {@link #result()} when it is an object, else an empty object. */
    public JsonObject resultObject() {
      return json.getValue("result") instanceof JsonObject o ? o : new JsonObject();
    }

    /** The rest of the error object (field names, statusText, innererror, headers), or empty. */
    public JsonObject error() {
      return Optional.ofNullable(json.getJsonObject("error")).orElseGet(JsonObject::new);
    }

    /** The HTTP exchanges the op caused, credentials replaced by labels. */
    public JsonArray wire() {
      return Optional.ofNullable(json.getJsonArray("wire")).orElseGet(JsonArray::new);
    }

    /** True when the scenario did not run the op (a dependency failed, or time ran out). */
    public boolean skipped() {
      String code = code();
      return code != null && (code.equals("harness.skipped") || code.equals("harness.deadline"));
    }

    /** {@code name: ok} or {@code name: FAILED status code message}. */
    public String describe() {
      return ok()
          ? name() + ": ok"
          : name() + ": FAILED " + status() + " " + code() + " " + abbreviate(message(), 200);
    }

    private static String abbreviate(String text, int max) {
      return text == null ? null : NodeScenario.abbreviate(text, max);
    }
  }
}
