package io.dynagate.devmode;

import io.dynagate.access.ApiKeyIdentityProvider;
import io.dynagate.audit.Actor;
import io.dynagate.connection.ConnectionService;
import io.dynagate.connection.ConnectionSpec;
import io.dynagate.crypto.Secret;
import io.dynagate.grant.GrantService;
import io.dynagate.grant.GrantSpec;
import io.dynagate.sandbox.SandboxConfig;
import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.sandbox.SandboxServer;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Dev mode only: a connection {@code sandbox} pointing at the emulator and a full grant for the
 * bootstrap admin key, so one curl shows the whole proxy path. The only class that knows both the
 * sandbox and the gateway.
 */
@ApplicationScoped
@IfBuildProfile("dev")
public class SandboxSeeder {
  private static final Logger LOG = Logger.getLogger(SandboxSeeder.class);
  static final String CONNECTION_ID = "sandbox";

  /** The audit trail names the seeding as this process (no request id). */
  static final Actor SEEDER = Actor.process("dev-seeder");

  private final SandboxLifecycle sandbox;
  private final SandboxConfig config;
  private final ConnectionService connections;
  private final GrantService grants;

  SandboxSeeder(
      SandboxLifecycle sandbox,
      SandboxConfig config,
      ConnectionService connections,
      GrantService grants) {
    this.sandbox = sandbox;
    this.config = config;
    this.connections = connections;
    this.grants = grants;
  }

  // after the sandbox has started (default observer priority is 2500)
  void seed(@Observes @Priority(3000) StartupEvent start) throws Throwable {
    SandboxServer server = sandbox.server().orElse(null);
    if (server == null) {
      return;
    }
    ConnectionSpec spec =
        new ConnectionSpec(
            CONNECTION_ID,
            "Sandbox (built-in Dataverse emulator)",
            server.baseUrl(),
            new ConnectionSpec.Auth(
                "client_credentials",
                null,
                config.clientId(),
                Secret.of(config.clientSecret()),
                List.of(server.baseUrl() + "/.default"),
                server.baseUrl() + "/sandbox-tenant/oauth2/v2.0/token",
                null,
                null,
                null));
    VertxContextSupport.subscribeAndAwait(
        () ->
            connections
                .exists(CONNECTION_ID)
                .chain(
                    exists ->
                        exists
                            ? connections.delete(CONNECTION_ID, SEEDER)
                            : Uni.createFrom().voidItem())
                .chain(() -> connections.create(spec, SEEDER))
                .chain(
                    c ->
                        grants.put(
                            CONNECTION_ID,
                            ApiKeyIdentityProvider.BOOTSTRAP_PRINCIPAL,
                            new GrantSpec("full", null, false),
                            SEEDER)));
    LOG.infof(
        "Dev connection '%s' -> %s, full grant for %s",
        CONNECTION_ID, server.baseUrl(), ApiKeyIdentityProvider.BOOTSTRAP_PRINCIPAL);
  }
}
