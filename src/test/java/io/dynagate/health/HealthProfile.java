package io.dynagate.health;

import io.dynagate.support.WebhookReceiver;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * Health on, with a 2 s probe interval, 2 consecutive errors to unhealthy, fast webhook retries
 * (0.3 s doubling, 4 attempts) and the test's {@link WebhookReceiver} as webhook {@code test}.
 */
public class HealthProfile implements QuarkusTestProfile {
  static final long INTERVAL_MILLIS = 2_000;
  static final long INITIAL_BACKOFF_MILLIS = 300;
  static final int MAX_ATTEMPTS = 4;

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "dynagate.health.enabled", "true",
        "dynagate.health.probe-interval", "PT" + INTERVAL_MILLIS / 1000 + "S",
        "dynagate.health.unhealthy-after", "2",
        "dynagate.events.initial-backoff", "PT0.3S",
        "dynagate.events.max-backoff", "PT2S",
        "dynagate.events.max-attempts", String.valueOf(MAX_ATTEMPTS));
  }

  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(WebhookReceiver.class));
  }
}
