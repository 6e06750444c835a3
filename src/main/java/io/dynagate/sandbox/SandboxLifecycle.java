package io.dynagate.sandbox;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Starts the emulator with the application when {@code dynagate.sandbox.enabled} is true. Only dev
 * and test builds have this bean: the emulator ships a well-known client secret, so a production
 * build cannot start it whatever its configuration says ({@code config.SandboxAbsentCheck} stops
 * such a start with a message instead of silently ignoring the setting).
 */
@ApplicationScoped
@IfBuildProfile(anyOf = {"dev", "test"})
public class SandboxLifecycle {

  private static final Logger LOG = Logger.getLogger(SandboxLifecycle.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final SandboxConfig config;
  private final Vertx vertx;
  private volatile SandboxServer server;

  SandboxLifecycle(SandboxConfig config, Vertx vertx) {
    this.config = config;
    this.vertx = vertx;
  }

  /** Runs before application observers (default priority) so a seeding bean finds the server. */
  void onStart(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE) StartupEvent event)
      throws Exception {
    if (!config.enabled()) {
      return;
    }
    SandboxOptions options =
        new SandboxOptions(
            "127.0.0.1",
            config.port(),
            config.clientId(),
            config.clientSecret(),
            config.tokenLifetime(),
            Optional.empty());
    // Start-up runs on the main thread, not an event loop, so waiting for the bind is fine.
    server =
        SandboxServer.start(vertx, options)
            .toCompletionStage()
            .toCompletableFuture()
            .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    LOG.infof("Sandbox (Dataverse and Entra ID emulator) listening on %s", server.baseUrl());
  }

  void onStop(@Observes ShutdownEvent event) throws Exception {
    SandboxServer running = server;
    server = null;
    if (running != null) {
      running
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /** The running emulator, empty when disabled or not yet started. */
  public Optional<SandboxServer> server() {
    return Optional.ofNullable(server);
  }
}
