package io.dynagate.fleet;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Tells every replica about a change (Redis pub/sub on {@code dynagate:events}): a message is
 * {@code type|argument}. Delivery is best effort; each user keeps a TTL backstop.
 */
@ApplicationScoped
public class FleetEvents {
  private static final Logger LOG = Logger.getLogger(FleetEvents.class);

  /** The pub/sub channel. */
  public static final String CHANNEL = "dynagate:events";

  private final ReactiveRedisDataSource redis;
  private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();

  FleetEvents(ReactiveRedisDataSource redis) {
    this.redis = redis;
  }

  void subscribe(@Observes StartupEvent start) {
    redis
        .pubsub(String.class)
        .subscribe(CHANNEL, this::deliver)
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
    return redis
        .pubsub(String.class)
        .publish(CHANNEL, type + "|" + argument)
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
