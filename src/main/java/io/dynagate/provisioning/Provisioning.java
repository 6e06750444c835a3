package io.dynagate.provisioning;

import io.dynagate.config.DynagateConfig;
import io.dynagate.connection.ConnectionValidator;
import io.dynagate.connection.UniqueViolation;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Applies {@code dynagate.provisioning.file} at start, after Flyway has migrated the schema.
 *
 * <ul>
 *   <li>The file is read, its secret references resolved and every entry checked before anything is
 *       written. A file that fails (syntax, unknown field, literal secret, missing variable,
 *       invalid value) stops the start: one ERROR line naming the file, each problem and its path,
 *       no stack trace, no secret.
 *   <li>The first apply runs before the start completes. A lost race with another replica (unique
 *       violation, {@code conflict}) runs it again at once; it then finds the rows equal.
 *   <li>If PostgreSQL fails during the apply, the gateway keeps running with readiness {@code
 *       provisioning} DOWN and applies again with back-off (1 s doubling to 30 s) until it
 *       succeeds. (PostgreSQL away before that already stops the start: Flyway needs it.)
 * </ul>
 */
@ApplicationScoped
public class Provisioning {
  private static final Logger LOG = Logger.getLogger(Provisioning.class);
  private static final int RACE_RETRIES = 5;
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** Where provisioning stands, for readiness. */
  enum State {
    /** No file configured. */
    OFF,
    /** Not applied yet. */
    PENDING,
    /** Applied once since the start. */
    APPLIED,
    /** An apply failed for a reason of the store; retrying. */
    RETRYING
  }

  private final Optional<Path> file;
  private final boolean prune;
  private final ConnectionValidator validator;
  private final ProvisioningApplier applier;
  private final Vertx vertx;
  private final UnaryOperator<String> env = System::getenv;

  private volatile State state;
  private volatile int failedAttempts;
  private volatile String lastFailure;
  private volatile Instant appliedAt;

  Provisioning(DynagateConfig config, ProvisioningApplier applier, Vertx vertx) {
    this.file = config.provisioning().file().filter(f -> !f.isBlank()).map(Path::of);
    this.prune = config.provisioning().prune();
    this.validator = ConnectionValidator.from(config);
    this.applier = applier;
    this.vertx = vertx;
    this.state = file.isPresent() ? State.PENDING : State.OFF;
  }

  // before the other start-up observers that write to the registry (the dev seeder runs at 3000)
  void onStart(@Observes @Priority(2000) StartupEvent start) {
    if (file.isEmpty()) {
      return;
    }
    ProvisioningPlan plan;
    try {
      plan = plan();
    } catch (ProvisioningRefused refused) {
      throw stopStart(refused.getMessage());
    }
    try {
      VertxContextSupport.subscribeAndAwait(() -> attempt(plan));
    } catch (ProvisioningApplier.Refused refused) {
      throw stopStart(ProvisioningRefused.of(plan.file(), refused.errors()).getMessage());
    } catch (Throwable failure) {
      retryLater(plan, failure);
    }
  }

  /**
   * Reads the file again and applies it, as a start does (tests, and a replica that must converge
   * again without restarting). Reads the file on the calling thread: call it from a worker thread,
   * never from an event loop.
   *
   * @throws ProvisioningRefused when the file is refused (nothing is applied)
   */
  public Uni<ProvisioningApplier.Report> applyAgain() {
    ProvisioningPlan plan = plan();
    return attempt(plan);
  }

  State state() {
    return state;
  }

  Optional<Path> file() {
    return file;
  }

  int failedAttempts() {
    return failedAttempts;
  }

  String lastFailure() {
    return lastFailure;
  }

  Instant appliedAt() {
    return appliedAt;
  }

  private ProvisioningPlan plan() {
    return ProvisioningPlan.load(file.orElseThrow(), validator, env);
  }

  private Uni<ProvisioningApplier.Report> attempt(ProvisioningPlan plan) {
    return applier
        .apply(plan, prune)
        .onFailure(Provisioning::lostRace)
        .retry()
        .atMost(RACE_RETRIES)
        .invoke(
            report -> {
              state = State.APPLIED;
              appliedAt = Instant.now();
              LOG.infof(
                  "Provisioning file %s applied%s: %s",
                  plan.file(), prune ? " (prune on)" : "", report);
            });
  }

  /** Another replica wrote the same row first: reading again finds it. */
  private static boolean lostRace(Throwable t) {
    return UniqueViolation.matches(t)
        || (t instanceof GatewayProblem p
            && (p.code() == ProblemCode.CONFLICT || p.code() == ProblemCode.CONNECTION_NOT_FOUND));
  }

  private void retryLater(ProvisioningPlan plan, Throwable failure) {
    int attempts = ++failedAttempts;
    state = State.RETRYING;
    lastFailure = failure.getClass().getSimpleName();
    long delay =
        Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempts - 1, 10));
    // the class only: a store exception's message can quote SQL parameters
    LOG.warnf(
        "Provisioning file %s not applied yet (%s, attempt %d); readiness stays DOWN, next attempt"
            + " in %d ms",
        plan.file(), lastFailure, attempts, delay);
    vertx.setTimer(
        delay,
        id ->
            VertxContextSupport.subscribe(
                () -> attempt(plan).toMulti(),
                s ->
                    s.with(
                        report -> {},
                        e -> {
                          if (e instanceof ProvisioningApplier.Refused refused) {
                            LOG.error(
                                ProvisioningRefused.of(plan.file(), refused.errors()).getMessage()
                                    + "; the gateway stops");
                            Quarkus.asyncExit(1);
                          } else {
                            retryLater(plan, e);
                          }
                        })));
  }

  /**
   * Quarkus prints a {@link ConfigurationException}'s message alone (no stack trace) and exits 1;
   * the ERROR line before it is the log record (JSON logs, log shippers).
   */
  private static ConfigurationException stopStart(String line) {
    LOG.error(line + "; the gateway does not start");
    return new ConfigurationException(
        "dynagate did not start: the provisioning file was refused (see the ERROR line above)",
        java.util.Set.of("dynagate.provisioning.file"));
  }
}
