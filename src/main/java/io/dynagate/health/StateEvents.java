package io.dynagate.health;

import io.dynagate.connection.ConnectionService;
import io.dynagate.connection.ConnectionStatus;
import io.dynagate.observability.Metrics;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.dynagate.token.EffectiveStatus;
import io.dynagate.token.TokenStatusStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Evaluates a connection's state ({@link EffectiveStatus}), refreshes its gauges and, when the
 * state changed, announces it exactly once fleet-wide: the replica whose atomic swap of the {@code
 * state} field in the status hash returns a different old state logs one INFO line on {@code
 * io.dynagate.events}, counts it and hands it to {@link Webhooks}. A first state of {@code ready}
 * (a new connection, or a lost status hash) is recorded silently; a first state of any other kind
 * is announced with {@code from} null.
 */
@ApplicationScoped
class StateEvents {
  static final Logger EVENTS = Logger.getLogger("io.dynagate.events");
  private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final ConnectionService connections;
  private final TokenStatusStore statuses;
  private final HealthStore store;
  private final Webhooks webhooks;
  private final Metrics metrics;
  private final Clock clock;

  StateEvents(
      ConnectionService connections,
      TokenStatusStore statuses,
      HealthStore store,
      Webhooks webhooks,
      Metrics metrics,
      Clock clock) {
    this.connections = connections;
    this.statuses = statuses;
    this.store = store;
    this.webhooks = webhooks;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * The connection's current state after recording it (and announcing a change); empty when the
   * connection is gone or the state could not be derived (PostgreSQL away: the gauges then show the
   * last announced state).
   */
  Uni<Optional<String>> evaluate(String connectionId, String reason) {
    return connections
        .status(connectionId)
        .chain(base -> statuses.get(connectionId).map(s -> EffectiveStatus.of(base, s)))
        .chain(status -> record(connectionId, status, reason))
        .onFailure(StateEvents::notFound)
        .recoverWithUni(
            () -> {
              metrics.forgetConnectionHealth(connectionId);
              return Uni.createFrom().item(Optional.<String>empty());
            })
        .onFailure()
        .recoverWithUni(() -> lastKnown(connectionId));
  }

  private Uni<Optional<String>> record(String id, ConnectionStatus status, String reason) {
    gauges(id, status);
    return store
        .swapState(id, status.state())
        .invoke(old -> announceIfChanged(id, old.orElse(null), status, reason))
        .map(old -> Optional.of(status.state()));
  }

  private void gauges(String id, ConnectionStatus status) {
    metrics.connectionState(id, status.state());
    metrics.connectionUp(
        id, status.lastProbe() == null ? null : "ok".equals(status.lastProbe().outcome()));
    metrics.tokenExpiry(id, status.tokenExpiresAt());
  }

  /** Without the registry: the gauges keep to what Redis last recorded. */
  private Uni<Optional<String>> lastKnown(String id) {
    return statuses
        .get(id)
        .invoke(
            s -> {
              if (s.state() != null) {
                metrics.connectionState(id, s.state());
              }
              if (s.probe() != null) {
                metrics.connectionUp(id, "ok".equals(s.probe().outcome()));
              }
            })
        .map(s -> Optional.<String>empty())
        .onFailure()
        .recoverWithItem(Optional.empty());
  }

  private void announceIfChanged(String id, String from, ConnectionStatus status, String reason) {
    String to = status.state();
    if (to.equals(from) || (from == null && ConnectionStatus.READY.equals(to))) {
      return;
    }
    StateChange event =
        new StateChange(
            UUID.randomUUID().toString(), id, from, to, reason(reason, status), clock.instant());
    EVENTS.infof(
        "connection.state_changed connection=%s from=%s to=%s reason=%s at=%s id=%s",
        id, from, to, event.reason(), event.at(), event.id());
    metrics.stateChange(id, to);
    webhooks.deliver(event);
  }

  /** A code only: the caller's, or what the status shows (never free text). */
  static String reason(String given, ConnectionStatus status) {
    String reason = given;
    if ("periodic_check".equals(given)) {
      Instant expiry = status.tokenExpiresAt();
      if (ConnectionStatus.AUTHORIZATION_REQUIRED.equals(status.state())
          && expiry != null
          && !expiry.isAfter(Instant.now())) {
        reason = "token_expired";
      } else if (status.lastError() != null) {
        reason = status.lastError().error();
      }
    }
    return reason != null && CODE.matcher(reason).matches() ? reason : "other";
  }

  private static boolean notFound(Throwable e) {
    return e instanceof GatewayProblem p && p.code() == ProblemCode.CONNECTION_NOT_FOUND;
  }
}
