package io.dynagate.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** The gateway's own meters (contract section 6). Tags never carry tokens, keys or queries. */
@ApplicationScoped
public class Metrics {
  private final MeterRegistry registry;

  Metrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Buckets of {@code dynagate_proxy_requests_seconds_bucket} (the p99 alert and the dashboard's
   * quantiles): few and fixed, so each tag set adds 11 series, not Micrometer's 70-odd.
   */
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30)
  };

  private record RequestKey(String connection, String method, int status) {}

  /** One timer per tag set, found without building a meter id on every request. */
  private final Map<RequestKey, Timer> requestTimers = new ConcurrentHashMap<>();

  private final Map<String, Counter> aborted = new ConcurrentHashMap<>();

  /** {@code dynagate_proxy_requests_seconds{connection,method,status}}. */
  public void proxyRequest(String connection, String method, int status, long nanos) {
    requestTimers
        .computeIfAbsent(
            new RequestKey(connection, method, status),
            k ->
                Timer.builder("dynagate.proxy.requests")
                    .description("Proxied requests, from arrival to the last byte of the response")
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .tag("connection", k.connection())
                    .tag("method", k.method())
                    .tag("status", String.valueOf(k.status()))
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * {@code dynagate_proxy_aborted_total{reason}}: answers cut off after their head was sent ({@code
   * upstream_aborted}, {@code idle_timeout}, {@code caller_left}).
   */
  public void proxyAborted(String reason) {
    proxyAborted(reason, 1);
  }

  private void proxyAborted(String reason, int count) {
    aborted
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder("dynagate.proxy.aborted")
                    .description("Proxied answers cut off after their head was sent")
                    .tag("reason", r)
                    .register(registry))
        .increment(count);
  }

  /** {@code dynagate_token_fetches_total{connection,grant,outcome}}. */
  public void tokenFetch(String connection, String grant, String outcome) {
    Counter.builder("dynagate.token.fetches")
        .description("Requests to token endpoints")
        .tag("connection", connection)
        .tag("grant", grant)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  /** {@code dynagate_token_cache_total{tier,result}}. */
  public void tokenCache(String tier, boolean hit) {
    Counter.builder("dynagate.token.cache")
        .description("Token cache look-ups")
        .tag("tier", tier)
        .tag("result", hit ? "hit" : "miss")
        .register(registry)
        .increment();
  }

  /** {@code dynagate_upstream_throttled_total{connection}}. */
  public void throttled(String connection) {
    Counter.builder("dynagate.upstream.throttled")
        .description("Upstream 429 answers")
        .tag("connection", connection)
        .register(registry)
        .increment();
  }

  /** {@code dynagate_access_denied_total{reason}}. */
  public void denied(String reason) {
    Counter.builder("dynagate.access.denied")
        .description("Requests refused by the gateway's access checks")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  private final Map<String, Counter> stale = new ConcurrentHashMap<>();

  /**
   * {@code dynagate_store_stale_answers_total{kind}}: decisions taken from a last known API key,
   * grant or connection while PostgreSQL was unreachable ({@code kind} = apikey, grant,
   * connection).
   */
  public void staleAnswer(String kind) {
    staleCounter(kind).increment();
  }

  private Counter staleCounter(String kind) {
    return stale.computeIfAbsent(
        kind,
        k ->
            Counter.builder("dynagate.store.stale.answers")
                .description("Decisions taken from last known registry answers")
                .tag("kind", k)
                .register(registry));
  }

  /**
   * {@code dynagate_fleet_subscribed}: 1 while this replica is subscribed to the fleet channel, 0
   * while it is not (it then misses revocations and throttle holds published by others).
   */
  public void fleetSubscribed(AtomicBoolean subscribed) {
    Gauge.builder("dynagate.fleet.subscribed", subscribed, s -> s.get() ? 1 : 0)
        .description("Whether this replica hears fleet events (1) or not (0)")
        .register(registry);
  }

  // --- Store calls and token failure reasons (issue 12, "Metrics").

  private record StoreKey(String store, String outcome) {}

  private final Map<StoreKey, Timer> storeTimers = new ConcurrentHashMap<>();
  private final Map<StoreKey, Counter> storeErrors = new ConcurrentHashMap<>();

  /**
   * {@code dynagate_store_calls_seconds{store,outcome}} for every bounded PostgreSQL / Redis call
   * ({@code store} = postgresql, redis; {@code outcome} = ok, error, timeout), and {@code
   * dynagate_store_errors_total{store,kind}} for each failed one ({@code kind} = unreachable,
   * timeout, other: a statement the store refused, e.g. a unique violation).
   */
  public void storeCall(String store, String outcome, String errorKind, long nanos) {
    if (errorKind != null) {
      storeError(store, errorKind).increment();
    }
    storeTimers
        .computeIfAbsent(
            new StoreKey(store, outcome),
            k ->
                Timer.builder("dynagate.store.calls")
                    .description("PostgreSQL and Redis calls, each bounded by its timeout")
                    .tag("store", k.store())
                    .tag("outcome", k.outcome())
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private Counter storeError(String store, String kind) {
    return storeErrors.computeIfAbsent(
        new StoreKey(store, kind),
        k ->
            Counter.builder("dynagate.store.errors")
                .description("Failed PostgreSQL and Redis calls")
                .tag("store", k.store())
                .tag("kind", k.outcome())
                .register(registry));
  }

  /**
   * Registers the store error, stale answer, aborted-answer and webhook counters at 0 when the
   * application starts: a counter that first appears at 1 is invisible to {@code increase()}, so
   * the store-outage alert would miss the first failures of a replica.
   */
  void registerAtStart(@Observes StartupEvent start) {
    for (String reason : new String[] {"upstream_aborted", "idle_timeout", "caller_left"}) {
      proxyAborted(reason, 0);
    }
    for (String kind : new String[] {"apikey", "grant", "connection"}) {
      staleCounter(kind);
    }
    for (String outcome : new String[] {"delivered", "retried", "failed"}) {
      webhookDeliveries(outcome);
    }
    for (String store : new String[] {"postgresql", "redis"}) {
      for (String kind : new String[] {"unreachable", "timeout", "other"}) {
        storeError(store, kind);
      }
    }
  }

  /**
   * {@code dynagate_token_fetch_failures_total{connection,reason}}: refused or failed token
   * requests by reason: the IdP's OAuth {@code error} when it is a registered one ({@code
   * invalid_grant}, {@code invalid_client}, …), {@code unreachable}, {@code http_4xx} / {@code
   * http_5xx} for answers without an OAuth error, {@code other} for anything else.
   */
  public void tokenFailure(String connection, String reason) {
    Counter.builder("dynagate.token.fetch.failures")
        .description("Refused or failed token requests, by reason")
        .tag("connection", connection)
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  // --- Connection health and state-change events (io.dynagate.health) ---------------------------

  /** The four states a connection's state gauge covers. */
  public static final List<String> CONNECTION_STATES =
      List.of("ready", "authorization_required", "refresh_failed", "unhealthy");

  /** One connection's health gauges; values are read by the registry when it is scraped. */
  private static final class HealthGauges {
    final Map<String, AtomicInteger> state = new ConcurrentHashMap<>();
    final AtomicInteger up = new AtomicInteger();
    final AtomicReference<Instant> expiresAt = new AtomicReference<>();
    final List<Meter> meters = new CopyOnWriteArrayList<>();
    Meter upMeter;
    Meter expiryMeter;
  }

  private final Map<String, HealthGauges> health = new ConcurrentHashMap<>();

  private HealthGauges healthOf(String connection) {
    return health.computeIfAbsent(
        connection,
        c -> {
          HealthGauges g = new HealthGauges();
          for (String state : CONNECTION_STATES) {
            AtomicInteger value = new AtomicInteger();
            g.state.put(state, value);
            g.meters.add(
                Gauge.builder("dynagate.connection.state", value, AtomicInteger::get)
                    .description("1 for the connection's current state, 0 for the others")
                    .tag("connection", c)
                    .tag("state", state)
                    .register(registry));
          }
          return g;
        });
  }

  /** {@code dynagate_connection_state{connection,state}}: 1 for {@code state}, 0 for the rest. */
  public void connectionState(String connection, String state) {
    healthOf(connection).state.forEach((s, v) -> v.set(s.equals(state) ? 1 : 0));
  }

  /**
   * {@code dynagate_connection_up{connection}}: 1 when the last probe was ok, 0 otherwise; absent
   * ({@code up} null) before any probe.
   */
  public synchronized void connectionUp(String connection, Boolean up) {
    HealthGauges g = healthOf(connection);
    if (up == null) {
      if (g.upMeter != null) {
        registry.remove(g.upMeter);
        g.upMeter = null;
      }
      return;
    }
    g.up.set(up ? 1 : 0);
    if (g.upMeter == null) {
      g.upMeter =
          Gauge.builder("dynagate.connection.up", g.up, AtomicInteger::get)
              .description("1 when the connection's last health probe was ok, 0 otherwise")
              .tag("connection", connection)
              .register(registry);
    }
  }

  /**
   * {@code dynagate_token_expiry_seconds{connection}}: seconds until the current token expires
   * (negative once it has); absent ({@code expiresAt} null) when unknown.
   */
  public synchronized void tokenExpiry(String connection, Instant expiresAt) {
    HealthGauges g = healthOf(connection);
    g.expiresAt.set(expiresAt);
    if (expiresAt == null) {
      if (g.expiryMeter != null) {
        registry.remove(g.expiryMeter);
        g.expiryMeter = null;
      }
      return;
    }
    if (g.expiryMeter == null) {
      g.expiryMeter =
          Gauge.builder("dynagate.token.expiry.seconds", g.expiresAt, Metrics::secondsUntil)
              .description("Seconds until the connection's current access token expires")
              .tag("connection", connection)
              .register(registry);
    }
  }

  private static double secondsUntil(AtomicReference<Instant> at) {
    Instant t = at.get();
    return t == null ? Double.NaN : (t.toEpochMilli() - System.currentTimeMillis()) / 1000.0;
  }

  /**
   * {@code dynagate_connection_probes_total{connection,outcome}} and {@code
   * dynagate_connection_probe_seconds{connection}}.
   */
  public void probe(String connection, String outcome, long nanos) {
    Counter.builder("dynagate.connection.probes")
        .description("Health probes (WhoAmI) by outcome")
        .tag("connection", connection)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
    Timer.builder("dynagate.connection.probe")
        .description("Duration of health probes (WhoAmI), token included")
        .tag("connection", connection)
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** {@code dynagate_connection_state_changes_total{connection,state}} (state = entered). */
  public void stateChange(String connection, String state) {
    Counter.builder("dynagate.connection.state.changes")
        .description("Connection state changes, by the state entered")
        .tag("connection", connection)
        .tag("state", state)
        .register(registry)
        .increment();
  }

  /** {@code dynagate_webhook_deliveries_total{outcome}}: delivered, retried, failed. */
  public void webhookDelivery(String outcome) {
    webhookDeliveries(outcome).increment();
  }

  private Counter webhookDeliveries(String outcome) {
    return Counter.builder("dynagate.webhook.deliveries")
        .description("State-change webhook attempts: delivered, retried, failed (gave up)")
        .tag("outcome", outcome)
        .register(registry);
  }

  /** Connections that have health gauges here. */
  public Set<String> connectionsWithHealthGauges() {
    return Set.copyOf(health.keySet());
  }

  /** Removes a (deleted) connection's health gauges, probe counters and probe timer. */
  public synchronized void forgetConnectionHealth(String connection) {
    HealthGauges g = health.remove(connection);
    if (g != null) {
      g.meters.forEach(registry::remove);
      if (g.upMeter != null) {
        registry.remove(g.upMeter);
      }
      if (g.expiryMeter != null) {
        registry.remove(g.expiryMeter);
      }
    }
    for (String name : List.of("dynagate.connection.probes", "dynagate.connection.probe")) {
      registry.find(name).tag("connection", connection).meters().forEach(registry::remove);
    }
  }
}
