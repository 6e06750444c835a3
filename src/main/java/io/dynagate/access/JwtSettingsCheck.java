package io.dynagate.access;

import io.dynagate.config.DynagateConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Stops the start when bearer JWTs would be accepted unsafely: an issuer without an audience (every
 * token the issuer signs for any application would be let in) or a plain-http issuer.
 */
@ApplicationScoped
class JwtSettingsCheck {

  void check(@Observes StartupEvent start, DynagateConfig config) {
    check(config);
  }

  static void check(DynagateConfig config) {
    DynagateConfig.Jwt jwt = config.jwt();
    if (jwt.issuer().isEmpty()) {
      return;
    }
    if (jwt.audience().map(a -> a.stream().allMatch(String::isBlank)).orElse(true)) {
      throw new IllegalStateException(
          "DYNAGATE_JWT_AUDIENCE must be set when DYNAGATE_JWT_ISSUER is set: without it any"
              + " token of that issuer, for any application, would be accepted.");
    }
    if (!jwt.issuer().get().startsWith("https://") && !config.allowInsecureHttp()) {
      throw new IllegalStateException(
          "DYNAGATE_JWT_ISSUER must be an https:// URL (DYNAGATE_ALLOW_INSECURE_HTTP is false).");
    }
  }
}
