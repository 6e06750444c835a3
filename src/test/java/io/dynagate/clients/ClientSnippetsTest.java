package io.dynagate.clients;

import static io.dynagate.support.Admin.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.Admin;
import io.dynagate.support.FrontDoor;
import io.dynagate.support.NodeScenario;
import io.dynagate.support.RealClientsProfile;
import io.dynagate.support.Sandbox;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The snippets of README.md's "Using dynagate from your client", run as a reader would run them:
 * each fenced block after a {@code <!-- snippet:NAME -->} marker is taken from the README as it is,
 * with the variables of the {@code env} snippet ({@code GATEWAY}, {@code CONNECTION}, {@code
 * DYNAGATE_API_KEY}, whose values there are the dev-mode ones) set to the {@link FrontDoor}, a
 * connection on the sandbox and a real API key. curl runs in bash, Python in Debian's {@code
 * /usr/bin/python3} with {@code python3-requests}, the DynamicsWebApi snippets in node from {@code
 * src/test/node} (where npm installed the library). Every snippet runs with a key that has a full
 * grant and the writing ones also with a key that may only read. The Olingo snippet cannot run on
 * its own: every code line of it must be a line of {@link OlingoClientTest}, which runs it. The
 * PowerShell snippet is not run (PowerShell is not in Debian).
 */
@QuarkusTest
@TestProfile(RealClientsProfile.class)
class ClientSnippetsTest {
  private static final Path README = Path.of("README.md");
  private static final String SECTION = "## Using dynagate from your client";
  private static final Path OLINGO_TEST =
      Path.of("src", "test", "java", "io", "dynagate", "clients", "OlingoClientTest.java");
  private static final String PYTHON = "/usr/bin/python3";

  private static final String CONN = "snippets";
  private static final String FULL = "snippets-full";
  private static final String READER = "snippets-reader";

  /** The sandbox's seed: active accounts in Dataverse's order, then all accounts by pages of 2. */
  private static final String FIRST_PAGE = "Contoso Ltd, Fabrikam Inc, Adventure Works";

  private static final List<String> PAGES =
      List.of("Contoso Ltd, Fabrikam Inc", "Adventure Works, Northwind Traders", "Litware Inc");
  private static final String CREATED_NAME = "Snippet Traders";
  private static final String FORBIDDEN =
      "403 dynagate.forbidden The grant does not allow this method.";

  private static final String GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  private static final Pattern MARKER = Pattern.compile("<!-- snippet:([a-z0-9-]+) -->");
  private static final Pattern FENCE = Pattern.compile("^```([a-z]*)$");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Inject SandboxLifecycle sandboxLifecycle;
  @Inject RedisDataSource redis;

  private Sandbox sandbox;
  private String fullKey;
  private String readerKey;

  @BeforeEach
  void setUp() {
    sandbox = Sandbox.cleanSlate(sandboxLifecycle, redis);
    admin().body(sandbox.connection(CONN)).post("/admin/v1/connections").then().statusCode(201);
    grant(FULL, "full");
    grant(READER, "read");
    fullKey = Admin.createKey(FULL, "caller");
    readerKey = Admin.createKey(READER, "caller");
  }

  private static void grant(String principal, String access) {
    admin()
        .body(Map.of("access", access))
        .put("/admin/v1/connections/" + CONN + "/grants/" + principal)
        .then()
        .statusCode(200);
  }

  // ------------------------------------------------------------------------------------------
  // the README itself

  @Test
  void theSnippetsSitInTheirSectionAndUseTheDevModeValues() throws IOException {
    Map<String, Snippet> snippets = snippets();
    assertEquals(
        List.of(
            "env",
            "curl-setup",
            "curl-page",
            "curl-next",
            "curl-create",
            "curl-error",
            "python",
            "powershell",
            "dwa-bearer",
            "dwa-header",
            "olingo"),
        List.copyOf(snippets.keySet()),
        "the README's snippet markers, in order");
    assertEquals(
        Map.of(
            "GATEWAY", "http://localhost:8080",
            "CONNECTION", "sandbox",
            "DYNAGATE_API_KEY", "dev-admin-key"),
        devValues(),
        "the env snippet names the values `./mvnw quarkus:dev` works with");
    String properties =
        Files.readString(Path.of("src", "main", "resources", "application.properties"));
    assertTrue(properties.contains("\n%dev.dynagate.admin-key=dev-admin-key\n"), "dev admin key");
    assertTrue(
        section().contains("`" + FORBIDDEN + "`"),
        "the README says what a create with a read grant prints");
  }

  // ------------------------------------------------------------------------------------------
  // curl

  @Test
  void curlReadsAPageAndTheNextOne() {
    JsonObject page = new JsonObject(bash(fullKey, "curl-page").ok());
    assertEquals(split(FIRST_PAGE), names(page), "curl-page: " + page);
    assertTrue(
        page.getString("@odata.context").startsWith(dataApi()), "a context under the gateway");

    JsonObject next = new JsonObject(bash(fullKey, "curl-next").ok());
    assertEquals(split(PAGES.get(1)), names(next), "curl-next printed the second page: " + next);
    assertTrue(
        next.getString("@odata.nextLink", "").startsWith(dataApi() + "/accounts?"),
        "the second page links to a third, under the gateway: " + next);
  }

  @Test
  void curlCreatesARecordAndPrintsItsUrl() {
    String refused = bash(readerKey, "curl-create").ok().strip();
    assertEquals("403", refused, "a read grant may not create");
    assertNothingCreated();

    String out = bash(fullKey, "curl-create").ok().strip();
    Matcher m =
        Pattern.compile(Pattern.quote(dataApi() + "/accounts(") + "(" + GUID + ")\\)").matcher("");
    assertTrue(out.startsWith("204 "), "204 No Content: " + out);
    assertTrue(m.reset(out.substring(4)).matches(), "OData-EntityId under the gateway: " + out);
    assertCreated(m.group(1));
  }

  @Test
  void curlShowsTheGatewaysErrorAsTheReadmeSays() {
    Snippet snippet = snippet("curl-error");
    String out = bash(fullKey, "curl-error").ok();
    String[] parts = out.split("\r?\n\r?\n", 2);
    assertEquals(2, parts.length, "headers and a body: " + out);
    List<String> head = parts[0].lines().map(String::strip).toList();
    assertTrue(head.get(0).startsWith("HTTP/1.1 404"), out);
    // the status and header lines the README shows as the answer are in it
    for (String line : snippet.code().lines().toList()) {
      if (line.startsWith("# ") && !line.startsWith("# {")) {
        String shown = line.substring(2).strip().toLowerCase(Locale.ROOT);
        assertTrue(
            head.stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).equals(shown)),
            "the README shows `" + shown + "`; curl printed:\n" + parts[0]);
      }
    }
    JsonObject body = new JsonObject(parts[1]);
    assertEquals("connection_not_found", body.getString("code"), out);
    assertEquals(
        new JsonObject(
            Map.of("code", "dynagate.connection_not_found", "message", "No such connection.")),
        body.getJsonObject("error"),
        out);
    assertTrue(
        snippet.code().contains(body.getJsonObject("error").encode()),
        "the README shows the error object curl printed: " + body.getJsonObject("error"));
  }

  // ------------------------------------------------------------------------------------------
  // Python requests

  @Test
  void pythonReadsPagesCreatesAndReadsARefusal() {
    Run check = run(List.of(PYTHON, "-c", "import requests"), null, Map.of(), null);
    assertEquals(
        0,
        check.exit(),
        "the Python snippet needs Debian's python3-requests (.ci/run installs it): " + check.err());

    assertReadsAnd(python(readerKey).okLines(), FORBIDDEN, "python, read grant");
    assertNothingCreated();
    assertReadsAndCreate(python(fullKey).okLines(), "python");
  }

  private Run python(String key) {
    return run(List.of(PYTHON, "-"), null, env(key), snippet("python").code());
  }

  // ------------------------------------------------------------------------------------------
  // DynamicsWebApi

  @Test
  void dynamicsWebApiWithTheKeyAsBearerToken() {
    assertReadsAnd(node(readerKey, "dwa-bearer").okLines(), FORBIDDEN, "dwa-bearer, read grant");
    assertNothingCreated();
    assertReadsAndCreate(node(fullKey, "dwa-bearer").okLines(), "dwa-bearer");
    assertNoCredentialUpstream(fullKey, readerKey);
  }

  @Test
  void dynamicsWebApiWithTheKeyAsHeaderBesideAnotherToken() {
    Snippet snippet = snippet("dwa-header");
    Matcher token = Pattern.compile("async \\(\\) => \"([^\"]+)\"").matcher(snippet.code());
    assertTrue(token.find(), "the snippet's stand-in token callback");
    assertTrue(snippet.code().contains("onTokenRefresh: getDataverseToken"), snippet.code());

    assertEquals(List.of(FIRST_PAGE), node(fullKey, "dwa-header").okLines(), "dwa-header");
    assertNoCredentialUpstream(fullKey, token.group(1));
  }

  private Run node(String key, String name) {
    return run(
        List.of("node", "--input-type=module"),
        NodeScenario.NODE_PROJECT.toAbsolutePath(),
        env(key),
        snippet(name).code());
  }

  // ------------------------------------------------------------------------------------------
  // Olingo

  @Test
  void everyCodeLineOfTheOlingoSnippetIsInOlingoClientTest() throws IOException {
    Set<String> testLines =
        Files.readAllLines(OLINGO_TEST).stream()
            .map(ClientSnippetsTest::normalize)
            .collect(Collectors.toSet());
    List<String> code =
        snippet("olingo")
            .code()
            .lines()
            .map(ClientSnippetsTest::normalize)
            .filter(l -> !l.isEmpty() && !l.startsWith("//"))
            .toList();
    for (String essential :
        List.of(
            "(HttpRequestInterceptor) (r, c) -> r.addHeader(\"X-Api-Key\", apiKey))",
            ".newURIBuilder(root)",
            "page = set.getNext();",
            "String id = created.getProperty(\"accountid\").getPrimitiveValue().toString();",
            "assertEquals(\"dynagate.forbidden\", refused.getODataError().getCode());")) {
      assertTrue(code.contains(essential), "the Olingo snippet shows " + essential);
    }
    List<String> missing = code.stream().filter(l -> !testLines.contains(l)).toList();
    assertEquals(
        List.of(),
        missing,
        "README lines of the Olingo snippet that OlingoClientTest does not run (change the"
            + " README, not the test)");
  }

  // ------------------------------------------------------------------------------------------
  // shared assertions

  /** The page, every page, then a GUID that names a record the create made. */
  private void assertReadsAndCreate(List<String> lines, String what) {
    assertEquals(5, lines.size(), what + " printed: " + lines);
    String id = lines.get(4);
    assertTrue(id.matches(GUID), what + " printed the new id: " + lines);
    assertReadsAnd(lines, id, what);
    assertCreated(id);
  }

  private static void assertReadsAnd(List<String> lines, String last, String what) {
    List<String> expected = new ArrayList<>();
    expected.add(FIRST_PAGE);
    expected.addAll(PAGES);
    expected.add(last);
    assertEquals(expected, lines, what);
  }

  private void assertCreated(String id) {
    HttpResponse<String> read = get("/accounts(" + id + ")?$select=name");
    assertEquals(200, read.statusCode(), read.body());
    assertEquals(CREATED_NAME, new JsonObject(read.body()).getString("name"), read.body());
  }

  private void assertNothingCreated() {
    HttpResponse<String> count = get("/accounts/$count");
    assertEquals(200, count.statusCode(), count.body());
    assertEquals("5", count.body().strip(), "the seed's five accounts, no more");
  }

  /** A GET through the front door with the full key, the URL sent as written. */
  private HttpResponse<String> get(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(dataApi() + path)).header("X-Api-Key", fullKey).build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Neither the API keys nor a caller's own token reached Dataverse; the connection's did. */
  private void assertNoCredentialUpstream(String... secrets) {
    String received = sandbox.requests().prettify();
    for (String secret : secrets) {
      assertFalse(received.contains(secret), "a caller's credential reached Dataverse");
    }
    assertFalse(sandbox.bearerTokensSeen().isEmpty(), "the gateway sent the connection's token");
  }

  private static List<String> names(JsonObject page) {
    JsonArray value = page.getJsonArray("value");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      names.add(value.getJsonObject(i).getString("name"));
    }
    return names;
  }

  private static List<String> split(String names) {
    return List.of(names.split(", "));
  }

  private static String dataApi() {
    return FrontDoor.baseUrl() + dataApiPath();
  }

  private static String dataApiPath() {
    return "/proxy/" + CONN + "/api/data/v9.2";
  }

  // ------------------------------------------------------------------------------------------
  // snippets and their variables

  /** A fenced block of the README after a snippet marker. */
  record Snippet(String name, String language, String code) {}

  /** The README's snippets by name, in the order they appear, all inside {@value #SECTION}. */
  static Map<String, Snippet> snippets() {
    List<String> lines;
    try {
      lines = Files.readAllLines(README, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int start = lines.indexOf(SECTION);
    assertTrue(start >= 0, "README.md has a section " + SECTION);
    int end = start + 1;
    while (end < lines.size() && !lines.get(end).startsWith("## ")) {
      end++;
    }
    Map<String, Snippet> snippets = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher marker = MARKER.matcher(lines.get(i).strip());
      if (!marker.matches()) {
        continue;
      }
      String name = marker.group(1);
      assertTrue(i > start && i < end, "snippet " + name + " is outside " + SECTION);
      Matcher fence = FENCE.matcher(i + 1 < lines.size() ? lines.get(i + 1) : "");
      assertTrue(fence.matches(), "a fenced block right after the marker of " + name);
      StringBuilder code = new StringBuilder();
      int j = i + 2;
      for (; j < lines.size() && !lines.get(j).equals("```"); j++) {
        code.append(lines.get(j)).append('\n');
      }
      assertTrue(j < lines.size(), "the block of " + name + " ends");
      assertFalse(snippets.containsKey(name), "snippet " + name + " appears once");
      snippets.put(name, new Snippet(name, fence.group(1), code.toString()));
    }
    return snippets;
  }

  /** The text of {@value #SECTION}, up to the next top-level heading. */
  static String section() {
    String readme;
    try {
      readme = Files.readString(README, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int start = readme.indexOf("\n" + SECTION + "\n");
    assertTrue(start >= 0, "README.md has a section " + SECTION);
    int end = readme.indexOf("\n## ", start + 1);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }

  static Snippet snippet(String name) {
    Snippet snippet = snippets().get(name);
    assertTrue(snippet != null, "README.md has no snippet " + name);
    return snippet;
  }

  /** The variables the env snippet exports, with the values it gives them. */
  static Map<String, String> devValues() {
    String code = snippet("env").code().strip();
    assertTrue(code.startsWith("export ") && !code.contains("\n"), "one export line: " + code);
    Map<String, String> values = new LinkedHashMap<>();
    for (String assignment : code.substring("export ".length()).trim().split("\\s+")) {
      int eq = assignment.indexOf('=');
      assertTrue(eq > 0, "NAME=value: " + assignment);
      values.put(assignment.substring(0, eq), assignment.substring(eq + 1));
    }
    return values;
  }

  /** The env snippet's variables with this test's values: the front door, the connection, a key. */
  private static Map<String, String> env(String key) {
    Map<String, String> test =
        Map.of("GATEWAY", FrontDoor.baseUrl(), "CONNECTION", CONN, "DYNAGATE_API_KEY", key);
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : devValues().keySet()) {
      assertTrue(test.containsKey(name), "a value for " + name);
      env.put(name, test.get(name));
    }
    return env;
  }

  /** The env snippet with this test's values, then curl-setup, then the snippet, in bash. */
  private static Run bash(String key, String name) {
    String exports = snippet("env").code();
    Map<String, String> dev = devValues();
    for (Map.Entry<String, String> e : env(key).entrySet()) {
      exports =
          exports.replace(
              e.getKey() + "=" + dev.get(e.getKey()), e.getKey() + "='" + e.getValue() + "'");
    }
    String script = exports + snippet("curl-setup").code() + snippet(name).code();
    return run(List.of("bash", "-c", script), null, Map.of(), null);
  }

  private static String normalize(String line) {
    return line.strip().replaceAll("\\s+", " ");
  }

  // ------------------------------------------------------------------------------------------
  // processes

  /** What a snippet printed. */
  record Run(int exit, String out, String err, String what) {
    /** Its stdout, after checking it exited with 0. */
    String ok() {
      assertEquals(
          0, exit, what + " exited with " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err);
      return out;
    }

    List<String> okLines() {
      return ok().lines().toList();
    }
  }

  private static Run run(
      List<String> command, Path directory, Map<String, String> env, String stdin) {
    Path in = null;
    Path out = null;
    Path err = null;
    try {
      in = Files.createTempFile("snippet-", ".in");
      out = Files.createTempFile("snippet-", ".out");
      err = Files.createTempFile("snippet-", ".err");
      Files.writeString(in, stdin == null ? "" : stdin);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectInput(in.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      if (directory != null) {
        builder.directory(directory.toFile());
      }
      // clients would send even 127.0.0.1 through a proxy
      for (String name :
          List.of(
              "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")) {
        builder.environment().remove(name);
      }
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new AssertionError(
            command.get(0) + " did not end within 60 s: " + Files.readString(err));
      }
      return new Run(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8),
          String.join(" ", command.subList(0, Math.min(2, command.size()))));
    } catch (IOException e) {
      throw new AssertionError("could not run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } finally {
      for (Path file : new Path[] {in, out, err}) {
        try {
          if (file != null) {
            Files.deleteIfExists(file);
          }
        } catch (IOException e) {
          // a temp file left behind is harmless
        }
      }
    }
  }
}
