package io.dynagate.config;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Turns the Quarkus OIDC tenant on exactly when {@code dynagate.jwt.issuer} is set, so that one
 * setting enables bearer JWT callers and a gateway without it starts with API keys only (Quarkus
 * OIDC otherwise refuses to start without {@code quarkus.oidc.auth-server-url}). The value sits
 * below application.properties' ordinal; {@code QUARKUS_OIDC_TENANT_ENABLED} still overrides it.
 */
public class JwtTenantSwitch implements ConfigSourceFactory {
  static final String TENANT_ENABLED = "quarkus.oidc.tenant-enabled";

  @Override
  public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
    ConfigValue issuer = context.getValue("dynagate.jwt.issuer");
    boolean set = issuer != null && issuer.getValue() != null && !issuer.getValue().isBlank();
    return List.of(
        new PropertiesConfigSource(
            Map.of(TENANT_ENABLED, String.valueOf(set)), "dynagate-jwt-tenant-switch", 100));
  }
}
