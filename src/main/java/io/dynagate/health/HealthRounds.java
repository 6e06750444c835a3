package io.dynagate.health;

import io.dynagate.config.DynagateConfig;
import io.dynagate.connection.ConnectionChanged;
import io.dynagate.connection.ConnectionService;
import io.dynagate.connection.ConnectionStatus;
import io.dynagate.connection.ConnectionView;
import io.dynagate.observability.Metrics;
import io.dynagate.token.TokenStateTouched;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The health rounds: once per {@code dynagate.health.probe-interval} (the first one jittered within
 * it) every replica lists the connections (the last list while PostgreSQL is away) and gives each
 * one a turn at a random point of the interval: its state is evaluated and its gauges refreshed,
 * and, unless it needs consent or a token, it is probed if this replica gets its fleet-wide {@link
 * ProbeLease}. Token-layer changes and connection changes are evaluated as they happen. Everything
 * runs on Vert.x contexts of its own, never blocking.
 */
@ApplicationScoped
class HealthRounds {
  private static final Logger LOG = Logger.getLogger(HealthRounds.class);

  private final ConnectionService connections;
  private final WhoAmIProbe probe;
  private final ProbeLease lease;
  private final HealthStore store;
  private final StateEvents events;
  private final Metrics metrics;
  private final Vertx vertx;
  private final Clock clock;
  private final Duration interval;
  private final int unhealthyAfter;
  private final boolean on;
  private final String owner = UUID.randomUUID().toString();

  private volatile List<String> known = List.of();
  private volatile long timer = -1;

  HealthRounds(
      ConnectionService connections,
      WhoAmIProbe probe,
      ProbeLease lease,
      HealthStore store,
      StateEvents events,
      Metrics metrics,
      Vertx vertx,
      Clock clock,
      DynagateConfig config) {
    this.connections = connections;
    this.probe = probe;
    this.lease = lease;
    this.store = store;
    this.events = events;
    this.metrics = metrics;
    this.vertx = vertx;
    this.clock = clock;
    this.interval = config.health().probeInterval();
    this.unhealthyAfter = Math.max(1, config.health().unhealthyAfter());
    this.on = config.health().enabled() && interval.toMillis() > 0;
  }

  void start(@Observes StartupEvent start) {
    if (!on) {
      return;
    }
    timer =
        vertx.setTimer(
            1 + ThreadLocalRandom.current().nextLong(interval.toMillis()),
            t -> {
              round();
              timer = vertx.setPeriodic(interval.toMillis(), x -> round());
            });
  }

  void stop(@Observes ShutdownEvent stop) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  void onTokenState(@Observes TokenStateTouched touched) {
    if (on) {
      detached(() -> events.evaluate(touched.connectionId(), touched.reason()));
    }
  }

  void onConnectionChanged(@Observes ConnectionChanged change) {
    if (!on) {
      return;
    }
    String id = change.connectionId();
    if (change.deleted()) {
      metrics.forgetConnectionHealth(id);
      detached(() -> store.drop(id).chain(() -> lease.drop(id)));
    } else {
      detached(() -> store.forgetProbe(id).chain(() -> events.evaluate(id, "connection_changed")));
    }
  }

  /** One round on this replica. */
  void round() {
    detached(() -> ids().invoke(this::schedule));
  }

  private Uni<List<String>> ids() {
    return connections
        .list()
        .map(views -> views.stream().map(ConnectionView::id).toList())
        .invoke(ids -> known = ids)
        .onFailure()
        .recoverWithItem(() -> known);
  }

  private void schedule(List<String> ids) {
    Set<String> gone = new HashSet<>(metrics.connectionsWithHealthGauges());
    ids.forEach(gone::remove);
    gone.forEach(metrics::forgetConnectionHealth);
    long spread = Math.max(1, interval.toMillis() * 8 / 10);
    for (String id : ids) {
      vertx.setTimer(
          1 + ThreadLocalRandom.current().nextLong(spread), t -> detached(() -> turn(id)));
    }
  }

  /** Evaluates the connection and probes it if its token is usable and the lease is ours. */
  Uni<Void> turn(String id) {
    return events
        .evaluate(id, "periodic_check")
        .chain(
            state ->
                state.isPresent() && !ConnectionStatus.AUTHORIZATION_REQUIRED.equals(state.get())
                    ? probeIfLeased(id)
                    : Uni.createFrom().voidItem());
  }

  Uni<Void> probeIfLeased(String id) {
    return lease
        .tryTake(id, owner, interval)
        .chain(taken -> taken ? probeNow(id) : Uni.createFrom().voidItem());
  }

  private Uni<Void> probeNow(String id) {
    long start = System.nanoTime();
    return connections
        .resolve(id)
        .chain(
            c ->
                c.isEmpty()
                    ? Uni.createFrom().item(Optional.<ProbeResult>empty())
                    : probe.probe(c.get()).map(Optional::of))
        .chain(
            r -> {
              if (r.isEmpty()) {
                return Uni.createFrom().voidItem();
              }
              ProbeResult result = r.get();
              metrics.probe(id, result.outcome().wire(), System.nanoTime() - start);
              return store
                  .record(id, result, clock.instant(), unhealthyAfter)
                  .chain(() -> events.evaluate(id, result.outcome().wire()))
                  .replaceWithVoid();
            });
  }

  /** Runs {@code work} on a new duplicated context (its own Hibernate session), in background. */
  private <T> void detached(Supplier<Uni<T>> work) {
    onOwnContext(work)
        .subscribe()
        .with(v -> {}, e -> LOG.debugf("health step failed: %s", e.getClass().getSimpleName()));
  }

  /** {@code work}, run on a new duplicated Vert.x context of its own. */
  <T> Uni<T> onOwnContext(Supplier<Uni<T>> work) {
    return Uni.createFrom()
        .emitter(
            emitter -> {
              Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
              // used by nothing else: Hibernate Reactive may open a session on it
              VertxContextSafetyToggle.setContextSafe(context, true);
              context.runOnContext(
                  x ->
                      Uni.createFrom()
                          .deferred(() -> work.get())
                          .subscribe()
                          .with(emitter::complete, emitter::fail));
            });
  }
}
