package io.dynagate.sandbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One sandbox on a random port per test class, and the client to call it:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SandboxExtension sandbox = SandboxExtension.started().resetBeforeEach();
 * }</pre>
 *
 * <p>Started before the class's {@code @BeforeAll} methods and closed after its {@code @AfterAll}
 * ones. With {@link #resetBeforeEach()} every test begins on the seed data with counters and knobs
 * reset; with {@link #tokenBeforeEach()} it also holds a fresh {@link #testToken()}, which {@link
 * #api} sends. Both run before the class's own {@code @BeforeEach} methods. Without them nothing is
 * sent between tests, so counters and the request log see only what the tests send.
 */
final class SandboxExtension extends SandboxHttp
    implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

  private final SandboxOptions options;
  private boolean resetBeforeEach;
  private boolean tokenBeforeEach;
  private Vertx vertx;
  private SandboxServer server;
  private String testToken;

  private SandboxExtension(SandboxOptions options) {
    this.options = options;
  }

  /** A sandbox that starts with {@link SandboxOptions#defaults()}. */
  static SandboxExtension started() {
    return with(SandboxOptions.defaults());
  }

  /** A sandbox that starts with {@code options}. */
  static SandboxExtension with(SandboxOptions options) {
    return new SandboxExtension(options);
  }

  /** Resets the sandbox before each test. */
  SandboxExtension resetBeforeEach() {
    resetBeforeEach = true;
    return this;
  }

  /** Takes a fresh {@link #testToken()} before each test, after the reset if there is one. */
  SandboxExtension tokenBeforeEach() {
    tokenBeforeEach = true;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    vertx = Vertx.vertx();
    try {
      server = await(SandboxServer.start(vertx, options), "sandbox did not start");
    } catch (IllegalStateException e) {
      vertx.close();
      vertx = null;
      throw e;
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    testToken = null;
    if (resetBeforeEach) {
      reset();
    }
    if (tokenBeforeEach) {
      testToken = token();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (vertx == null) {
      return;
    }
    try {
      await(server.close(), "sandbox did not stop");
      await(vertx.close(), "sandbox did not stop");
    } finally {
      server = null;
      vertx = null;
    }
  }

  @Override
  SandboxServer server() {
    if (server == null) {
      throw new IllegalStateException("the sandbox is not started");
    }
    return server;
  }

  /**
   * The token taken before this test (see {@link #tokenBeforeEach()}) or set by {@link #useToken}.
   */
  String testToken() {
    if (testToken == null) {
      throw new IllegalStateException("no token for this test: register with tokenBeforeEach()");
    }
    return testToken;
  }

  /** Makes {@code token} this test's token from now on. */
  void useToken(String token) {
    testToken = token;
  }

  /** A Web API call with this test's token and the usual Dataverse headers. */
  HttpResponse<String> api(String method, String path, String body, String... headers) {
    return apiWith(testToken(), method, path, body, headers);
  }

  /**
   * A Web API call with this test's token and {@code OData-Version: 4.0} only: {@code headers}
   * bring the rest (an Accept of their own, a multipart Content-Type).
   */
  HttpResponse<String> bareApi(String method, String path, String body, String... headers) {
    return send(
        method,
        target(path),
        body,
        prepend(headers, "Authorization", "Bearer " + testToken(), "OData-Version", "4.0"));
  }

  private static <T> T await(Future<T> future, String failure) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(failure, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(failure, e);
    }
  }
}
