package io.dynagate.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.config.DynagateConfig;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Signing, back-off, loggable URLs and the webhook settings, without a Quarkus boot. */
class WebhooksTest {

  @Test
  void theSignatureIsHmacSha256OfTimestampDotBody() {
    // python3: hmac.new(b'k', b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    assertEquals(
        "1b6ad1bc9bf48c52ce01939866d5877c6cc4e87ddad27e16673cb8c4964394a3",
        Webhooks.sign("k", "1700000000", "{\"a\":1}"));
  }

  @Test
  void backOffDoublesFromTheInitialWaitUpToTheCap() {
    Duration initial = Duration.ofSeconds(1);
    Duration max = Duration.ofMinutes(1);
    assertEquals(Duration.ofSeconds(1), Webhooks.backoff(1, initial, max));
    assertEquals(Duration.ofSeconds(2), Webhooks.backoff(2, initial, max));
    assertEquals(Duration.ofSeconds(32), Webhooks.backoff(6, initial, max));
    assertEquals(max, Webhooks.backoff(7, initial, max));
    assertEquals(max, Webhooks.backoff(60, initial, max));
  }

  @Test
  void aLoggedUrlHasNoQueryStringAndNoUserInfo() {
    assertEquals(
        "https://hooks.example.com:8443/a/b",
        Webhooks.printable("https://user:pw@hooks.example.com:8443/a/b?token=abc#x"));
    assertEquals("https://h.example.com", Webhooks.printable("https://h.example.com"));
  }

  @Test
  void webhooksComeFromTheEnvironmentByName() {
    DynagateConfig config =
        config(
            Map.of(
                "DYNAGATE_EVENTS_WEBHOOKS__OPS__URL", "https://hooks.example.com/x",
                "DYNAGATE_EVENTS_WEBHOOKS__OPS__SECRET", "s3cret-value"),
            Map.of());
    DynagateConfig.Webhook ops = config.events().webhooks().get("ops");
    assertEquals("https://hooks.example.com/x", ops.url());
    assertEquals("s3cret-value", ops.secret());
    assertEquals(6, config.events().maxAttempts());
    WebhookSettingsCheck.check(config);
  }

  @Test
  void plainHttpOrAnEmptySecretStopsTheStartWithoutEchoingTheUrl() {
    DynagateConfig http =
        config(
            Map.of(),
            Map.of(
                "dynagate.events.webhooks.ops.url", "http://hooks.example.com/x?key=abc",
                "dynagate.events.webhooks.ops.secret", "s3cret-value"));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> WebhookSettingsCheck.check(http));
    assertTrue(e.getMessage().contains("'ops'"), e.getMessage());
    assertFalse(e.getMessage().contains("key=abc"), e.getMessage());
    DynagateConfig insecureAllowed =
        config(
            Map.of(),
            Map.of(
                "dynagate.allow-insecure-http", "true",
                "dynagate.events.webhooks.ops.url", "http://127.0.0.1:1/x",
                "dynagate.events.webhooks.ops.secret", "s3cret-value"));
    WebhookSettingsCheck.check(insecureAllowed);
    DynagateConfig noSecret =
        config(
            Map.of(),
            Map.of(
                "dynagate.events.webhooks.ops.url", "https://hooks.example.com/x",
                "dynagate.events.webhooks.ops.secret", " "));
    assertThrows(IllegalStateException.class, () -> WebhookSettingsCheck.check(noSecret));
  }

  private static DynagateConfig config(Map<String, String> env, Map<String, String> props) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(DynagateConfig.class)
            .withSources(new EnvConfigSource(env, 300))
            .withSources(new PropertiesConfigSource(props, "test", 250))
            .build();
    return config.getConfigMapping(DynagateConfig.class);
  }
}
