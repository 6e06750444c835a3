package io.dynagate.health;

import io.dynagate.config.DynagateConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.Map;

/**
 * Stops the start on a webhook that would leak or fail for sure: a URL that is not absolute https
 * (http only with {@code dynagate.allow-insecure-http}) or an empty secret. The message names the
 * webhook, never its URL or secret.
 */
@ApplicationScoped
class WebhookSettingsCheck {

  void check(@Observes StartupEvent start, DynagateConfig config) {
    check(config);
  }

  static void check(DynagateConfig config) {
    for (Map.Entry<String, DynagateConfig.Webhook> e : config.events().webhooks().entrySet()) {
      String name = e.getKey();
      DynagateConfig.Webhook hook = e.getValue();
      URI url;
      try {
        url = URI.create(hook.url().trim());
      } catch (IllegalArgumentException bad) {
        throw new IllegalStateException("webhook '" + name + "': the url does not parse");
      }
      boolean https = "https".equalsIgnoreCase(url.getScheme());
      boolean http = "http".equalsIgnoreCase(url.getScheme());
      if (url.getHost() == null || !(https || (http && config.allowInsecureHttp()))) {
        throw new IllegalStateException(
            "webhook '"
                + name
                + "': the url must be an absolute https:// URL"
                + " (http:// only with DYNAGATE_ALLOW_INSECURE_HTTP)");
      }
      if (hook.secret().isBlank()) {
        throw new IllegalStateException("webhook '" + name + "': the secret must not be empty");
      }
    }
  }
}
