package io.dynagate.fleet;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Tells every replica about a change (Redis pub/sub on {@code dynagate:events:<database>}): a
 * message is {@code type|argument}. Delivery is best effort; each user keeps a TTL backstop.
 *
 * <p>Pub/sub channels are shared by all databases of a Redis server while keys are not, so the
 * channel names the database: two gateways that share a server but not a database (staging and
 * production, say) never evict each other's caches or hold each other's connections.
 */
@ApplicationScoped
public class FleetEvents {
  private static final Logger LOG = Logger.getLogger(FleetEvents.class);

  /** Prefix of the pub/sub channel; the Redis database number follows. */
  public static final String CHANNEL_PREFIX = "dynagate:events:";

  private final ReactiveRedisDataSource redis;
  private final RedisTimeout timeout;
  private final String channel;
  private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();

  FleetEvents(
      ReactiveRedisDataSource redis,
      RedisTimeout timeout,
      @ConfigProperty(name = "quarkus.redis.hosts") List<String> hosts) {
    this.redis = redis;
    this.timeout = timeout;
    this.channel = channel(hosts.get(0));
  }

  /** {@code redis://host:6379/3} → {@code dynagate:events:3}; no database given → 0. */
  static String channel(String redisUrl) {
    String path = URI.create(redisUrl.trim()).getPath();
    String db = path == null ? "" : path.replace("/", "");
    return CHANNEL_PREFIX + (db.matches("[0-9]{1,5}") ? Integer.parseInt(db) : 0);
  }

  void subscribe(@Observes StartupEvent start) {
    redis
        .pubsub(String.class)
        .subscribe(channel, this::deliver)
        .subscribe()
        .with(
            s -> LOG.debug("subscribed to fleet events"),
            e -> LOG.warnf("fleet events unavailable: %s", e.getClass().getSimpleName()));
  }

  /** Registers a local listener for one event type. */
  public void on(String type, Consumer<String> listener) {
    listeners.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>()).add(listener);
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
}
