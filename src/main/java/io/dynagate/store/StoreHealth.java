package io.dynagate.store;

import io.dynagate.config.DynagateConfig;
import io.dynagate.observability.Metrics;
import io.dynagate.problem.StoreUnavailable;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Whether PostgreSQL answered the last time the request path or readiness asked, and since when it
 * has not. One WARN line when it becomes unreachable and one INFO line when it is back, whatever
 * the number of failed calls in between.
 */
@ApplicationScoped
public class StoreHealth {
  private static final Logger LOG = Logger.getLogger(StoreHealth.class);

  private final Vertx vertx;
  private final Metrics metrics;
  private final long queryMillis;
  private final long stalenessNanos;
  private volatile boolean reachedOnce;
  private volatile boolean down;
  private volatile long downSinceNanos;

  StoreHealth(Vertx vertx, DynagateConfig config, Metrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.queryMillis = config.store().queryTimeout().toMillis();
    this.stalenessNanos = config.store().maxStaleness().toNanos();
  }

  /** {@code call} bounded by the query timeout, timed and counted as a PostgreSQL call. */
  public <T> Uni<T> bound(Uni<T> call) {
    return Deadline.metered(vertx, queryMillis, call, "PostgreSQL", metrics, "postgresql");
  }

  /** Records the outcome of a call: a success, or a failure that says PostgreSQL is away. */
  public void record(Throwable failure) {
    if (failure == null) {
      reached();
    } else if (StoreUnavailable.matches(failure)) {
      unreachable(failure);
    }
  }

  void reached() {
    reachedOnce = true;
    if (down) {
      down = false;
      LOG.infof(
          "PostgreSQL reachable again after %d s",
          (System.nanoTime() - downSinceNanos) / 1_000_000_000L);
    }
  }

  void unreachable(Throwable failure) {
    if (!down) {
      downSinceNanos = System.nanoTime();
      down = true;
      LOG.warnf(
          "PostgreSQL unreachable (%s); deciding from last known keys, grants and connections"
              + " for at most %d s",
          failure.getClass().getSimpleName(), stalenessNanos / 1_000_000_000L);
    }
  }

  /** True while the last call found PostgreSQL unreachable. */
  public boolean down() {
    return down;
  }

  /** Maximum staleness of a last known answer, in nanoseconds (0 = none is used). */
  long stalenessNanos() {
    return stalenessNanos;
  }

  /**
   * Whether this replica can still decide: PostgreSQL answers, or it answered before and has been
   * away for less than the staleness.
   */
  boolean canDecide() {
    return !down || (reachedOnce && System.nanoTime() - downSinceNanos < stalenessNanos);
  }

  boolean reachedOnce() {
    return reachedOnce;
  }

  long downForMillis() {
    return down ? (System.nanoTime() - downSinceNanos) / 1_000_000L : 0;
  }
}
