package io.dynagate.sandbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The built-in Dataverse and Entra ID emulator (contract section 7). Property form {@code
 * dynagate.sandbox.*}, env {@code DYNAGATE_SANDBOX_*}. Never enabled in production.
 */
@ConfigMapping(prefix = "dynagate.sandbox")
public interface SandboxConfig {

  /** Start the emulator with the application (dev mode turns it on; production never does). */
  @WithDefault("false")
  boolean enabled();

  /** Port of the emulator's own HTTP server, bound to 127.0.0.1; 0 picks a free port. */
  @WithDefault("8081")
  int port();

  /** The only client id the emulated token endpoint accepts. */
  @WithDefault(SandboxOptions.DEFAULT_CLIENT_ID)
  String clientId();

  /** That client's secret (a well-known test value, not a real secret). */
  @WithDefault(SandboxOptions.DEFAULT_CLIENT_SECRET)
  String clientSecret();

  /** Lifetime of the access tokens the emulator issues. */
  @WithDefault("PT1H")
  Duration tokenLifetime();
}
