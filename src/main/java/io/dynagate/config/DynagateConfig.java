package io.dynagate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * Gateway settings (contract section 1). Property form {@code dynagate.*}, env {@code DYNAGATE_*}.
 */
@ConfigMapping(prefix = "dynagate")
public interface DynagateConfig {

  /** Bootstrap admin API key (principal {@code bootstrap-admin}, roles admin and caller). */
  Optional<String> adminKey();

  /**
   * Encryption keys as {@code kid:base64(32 bytes)[,kid:key…]}; the first encrypts, all decrypt.
   * Required in production.
   */
  Optional<String> encryptionKeys();

  /** External base URL of the gateway (OAuth redirect URI, rewritten links). */
  @WithDefault("http://localhost:8080")
  String publicBaseUrl();

  /** Host patterns a connection's {@code orgUrl} may use. */
  @WithDefault(
      "*.dynamics.com,*.dynamics.us,*.microsoftdynamics.de,*.dynamics.cn,*.crm.microsoftdynamics.us")
  List<String> upstreamAllowedHosts();

  /** Host patterns a connection's token and authorize URLs may use. */
  @WithDefault(
      "login.microsoftonline.com,login.microsoftonline.us,login.chinacloudapi.cn,"
          + "login.partner.microsoftonline.cn")
  List<String> identityAllowedHosts();

  /** Allow {@code http://} upstream and identity URLs (tests, sandbox only). */
  @WithDefault("false")
  boolean allowInsecureHttp();
}
