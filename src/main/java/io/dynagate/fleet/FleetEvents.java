package io.dynagate.fleet;

import io.dynagate.observability.Metrics;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands.ReactiveRedisSubscriber;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Tells every replica about a change (Redis pub/sub on {@code dynagate:events:<database>}): a
 * message is {@code type|argument}. Delivery is best effort; each user keeps a TTL backstop.
 *
 * <p>Pub/sub channels are shared by all databases of a Redis server while keys are not, so the
 * channel names the database: two gateways that share a server but not a database (staging and
 * production, say) never evict each other's caches or hold each other's connections. A Redis
 * Cluster has database 0 only (and a {@code PUBLISH} there reaches the subscribers of every node);
 * with Sentinel the hosts are the sentinels and the database is the one their URL names, which the
 * client selects on the master.
 *
 * <p>The subscription outlives Redis: when its connection ends or fails (a restart, a failover, a
 * killed client) or the first subscribe at start fails, it is made again on a Vert.x timer, 100 ms
 * after the loss and then up to every 2 s, for as long as the gateway runs. Whatever was published
 * meanwhile is lost, so {@link #onSubscribed} hooks run after every (re)subscription to catch up
 * (throttle holds are read back from Redis, cached tokens dropped). {@link #subscribed()} is what
 * the {@code fleet-events} readiness check and the {@code dynagate_fleet_subscribed} gauge show. A
 * connection that hangs without closing (a frozen server, a half-open socket) is not detected; the
 * Redis readiness check reports that case.
 */
@ApplicationScoped
public class FleetEvents {
  private static final Logger LOG = Logger.getLogger(FleetEvents.class);

  /** Prefix of the pub/sub channel; the Redis database number follows. */
  public static final String CHANNEL_PREFIX = "dynagate:events:";

  static final long FIRST_RETRY_MILLIS = 100;
  static final long MAX_RETRY_MILLIS = 2_000;

  /** How long the start waits for the first subscription, so readiness is right from the start. */
  private static final long START_WAIT_MILLIS = 2_000;

  private static final Pattern DB_PARAM = Pattern.compile("(?:^|&)db=([0-9]{1,5})(?:&|$)");

  private final ReactiveRedisDataSource redis;
  private final RedisTimeout timeout;
  private final Vertx vertx;
  private final String channel;
  private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
  private final List<Runnable> subscribedHooks = new CopyOnWriteArrayList<>();
  private final AtomicBoolean subscribed = new AtomicBoolean();

  // guarded by this
  private Attempt current;
  private long retryMillis = FIRST_RETRY_MILLIS;
  private boolean everSubscribed;
  private boolean failing;
  private boolean stopped;

  /** One subscribe attempt and, once it succeeded, its subscription. */
  private static final class Attempt {
    boolean over; // lost, failed or superseded; guarded by FleetEvents.this
    ReactiveRedisSubscriber subscriber;
  }

  FleetEvents(
      ReactiveRedisDataSource redis,
      RedisTimeout timeout,
      Vertx vertx,
      Metrics metrics,
      @ConfigProperty(name = "quarkus.redis.hosts") List<String> hosts,
      @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone")
          String clientType) {
    this.redis = redis;
    this.timeout = timeout;
    this.vertx = vertx;
    this.channel = channel(clientType, hosts.get(0));
    metrics.fleetSubscribed(subscribed);
  }

  /** {@code redis://host:6379/3} → {@code dynagate:events:3}; no database given → 0. */
  static String channel(String redisUrl) {
    return channel("standalone", redisUrl);
  }

  /**
   * The channel for a client type and the first host: the database of the URL (path or {@code
   * ?db=}), except in cluster mode, where there is only database 0.
   */
  static String channel(String clientType, String redisUrl) {
    if ("cluster".equals(clientType.trim().toLowerCase(Locale.ROOT))) {
      return CHANNEL_PREFIX + 0;
    }
    URI uri = URI.create(redisUrl.trim());
    String path = uri.getPath();
    String db = path == null ? "" : path.replace("/", "");
    if (db.isEmpty() && uri.getQuery() != null) {
      Matcher m = DB_PARAM.matcher(uri.getQuery());
      db = m.find() ? m.group(1) : "";
    }
    return CHANNEL_PREFIX + (db.matches("[0-9]{1,5}") ? Integer.parseInt(db) : 0);
  }

  /** The channel this gateway publishes and listens on. */
  public String channel() {
    return channel;
  }

  /** Whether this replica is subscribed right now (it hears what others publish). */
  public boolean subscribed() {
    return subscribed.get();
  }

  void start(@Observes StartupEvent start) {
    CompletableFuture<Void> first = new CompletableFuture<>();
    attempt(first);
    try {
      // a Redis that is down does not stop the start; the retries go on in the background
      first.get(START_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      LOG.debug("fleet events not subscribed yet at start");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void stop(@Observes ShutdownEvent stop) {
    ReactiveRedisSubscriber s;
    synchronized (this) {
      stopped = true;
      subscribed.set(false);
      s = current == null ? null : current.subscriber;
      if (current != null) {
        current.over = true;
      }
    }
    close(s);
  }

  /** Registers a local listener for one event type. */
  public void on(String type, Consumer<String> listener) {
    listeners.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>()).add(listener);
  }

  /**
   * Runs {@code hook} after every (re)subscription from now on, and at once if subscribed already:
   * events published while this replica was not listening are lost, so whoever relies on them reads
   * the state back or drops what it cached. Hooks run on a Vert.x thread and must not block.
   */
  public void onSubscribed(Runnable hook) {
    subscribedHooks.add(hook);
    if (subscribed.get()) {
      run(hook);
    }
  }

  /** Publishes to every replica (this one included, through Redis). */
  public Uni<Void> publish(String type, String argument) {
    return timeout
        .bound(redis.pubsub(String.class).publish(channel, type + "|" + argument))
        .onFailure()
        .invoke(e -> LOG.warnf("fleet event not published: %s", e.getClass().getSimpleName()))
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }

  void deliver(String message) {
    int bar = message.indexOf('|');
    if (bar <= 0) {
      return;
    }
    List<Consumer<String>> l = listeners.get(message.substring(0, bar));
    if (l != null) {
      String arg = message.substring(bar + 1);
      l.forEach(c -> c.accept(arg));
    }
  }

  private void attempt(CompletableFuture<Void> first) {
    Attempt a = new Attempt();
    synchronized (this) {
      if (stopped) {
        return;
      }
      current = a;
    }
    redis
        .pubsub(String.class)
        .subscribe(channel, this::deliver, () -> lost(a, null), e -> lost(a, e))
        .subscribe()
        .with(
            s -> {
              established(a, s);
              first.complete(null);
            },
            e -> {
              lost(a, e);
              first.complete(null);
            });
  }

  private void established(Attempt a, ReactiveRedisSubscriber s) {
    boolean again;
    synchronized (this) {
      a.subscriber = s;
      if (a.over || current != a || stopped) {
        close(s);
        return;
      }
      subscribed.set(true);
      retryMillis = FIRST_RETRY_MILLIS;
      again = everSubscribed;
      everSubscribed = true;
      failing = false;
    }
    if (again) {
      LOG.infof("subscribed to fleet events again (%s)", channel);
    } else {
      LOG.debugf("subscribed to fleet events (%s)", channel);
    }
    subscribedHooks.forEach(FleetEvents::run);
  }

  /** The attempt failed, or its subscription ended or failed: try again later (once). */
  private void lost(Attempt a, Throwable failure) {
    long delay;
    ReactiveRedisSubscriber s;
    boolean wasSubscribed;
    boolean firstFailure;
    synchronized (this) {
      if (a.over || current != a || stopped) {
        return;
      }
      a.over = true;
      s = a.subscriber;
      wasSubscribed = subscribed.getAndSet(false);
      firstFailure = !failing;
      failing = true;
      delay = retryMillis;
      retryMillis = Math.min(MAX_RETRY_MILLIS, retryMillis * 2);
    }
    String why = failure == null ? "connection closed" : failure.getClass().getSimpleName();
    if (wasSubscribed || firstFailure) {
      LOG.warnf("fleet events unavailable (%s); subscribing again until Redis answers", why);
    } else {
      LOG.debugf("fleet events still unavailable (%s)", why);
    }
    close(s);
    vertx.setTimer(delay, id -> attempt(new CompletableFuture<>()));
  }

  private static void close(ReactiveRedisSubscriber s) {
    if (s != null) {
      // on a dead connection this fails at once; it only matters for a live one
      s.unsubscribe().subscribe().with(x -> {}, e -> {});
    }
  }

  private static void run(Runnable hook) {
    try {
      hook.run();
    } catch (RuntimeException e) {
      LOG.warnf("fleet subscription hook failed: %s", e.getClass().getSimpleName());
    }
  }
}
