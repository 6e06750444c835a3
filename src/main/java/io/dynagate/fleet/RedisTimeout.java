package io.dynagate.fleet;

import io.dynagate.observability.Metrics;
import io.dynagate.store.Deadline;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Bounds a reactive Redis command by {@code quarkus.redis.timeout}. Quarkus applies that setting to
 * the blocking Redis API only: a reactive command sent to a Redis that holds the connection open
 * but does not answer (paused, overloaded, half-open) would never end, and the proxy request
 * waiting on it would hang. The bound fails with a {@link java.util.concurrent.TimeoutException},
 * which the proxy answers with 503 {@code unavailable}. The wait is a Vert.x timer, so the failure
 * arrives on the caller's context like the answer would have.
 */
@ApplicationScoped
public class RedisTimeout {
  private final Vertx vertx;
  private final Metrics metrics;
  private final long millis;

  RedisTimeout(
      Vertx vertx,
      Metrics metrics,
      @ConfigProperty(name = "quarkus.redis.timeout", defaultValue = "10s") Duration timeout) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.millis = Math.max(1, timeout.toMillis());
  }

  /**
   * {@code command}, failing with a {@link java.util.concurrent.TimeoutException} when Redis does
   * not answer in time.
   */
  public <T> Uni<T> bound(Uni<T> command) {
    return Deadline.metered(vertx, millis, command, "Redis", metrics, "redis");
  }
}
