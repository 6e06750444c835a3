package io.dynagate.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lifecycle bean without Quarkus: constructed by hand, events passed as null. */
class SandboxLifecycleTest {

  private Vertx vertx;

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static SandboxConfig config(boolean enabled) {
    return new SandboxConfig() {
      @Override
      public boolean enabled() {
        return enabled;
      }

      @Override
      public int port() {
        return 0;
      }

      @Override
      public String clientId() {
        return "lifecycle-client";
      }

      @Override
      public String clientSecret() {
        return "lifecycle-secret";
      }

      @Override
      public Duration tokenLifetime() {
        return Duration.ofMinutes(5);
      }
    };
  }

  @Test
  void disabledSandboxDoesNotStart() throws Exception {
    SandboxLifecycle lifecycle = new SandboxLifecycle(config(false), vertx);

    lifecycle.onStart(null);

    assertTrue(lifecycle.server().isEmpty());
    lifecycle.onStop(null);
  }

  @Test
  void enabledSandboxStartsWithTheConfiguredClientAndStopsOnShutdown() throws Exception {
    SandboxLifecycle lifecycle = new SandboxLifecycle(config(true), vertx);

    lifecycle.onStart(null);

    SandboxServer server = lifecycle.server().orElseThrow();
    assertTrue(server.baseUrl().startsWith("http://localhost:"));
    assertEquals("lifecycle-client", server.options().clientId());
    assertEquals(Duration.ofMinutes(5), server.options().tokenLifetime());
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> stats =
        client.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/_sandbox/stats")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, stats.statusCode());

    lifecycle.onStop(null);

    assertTrue(lifecycle.server().isEmpty());
  }
}
