package io.dynagate.observability;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Gives every response an {@code X-Request-Id}: the caller's when present and well-formed, else a
 * fresh UUID. Runs before every other route.
 */
@ApplicationScoped
public class RequestIdFilter {
  /** Header carrying the request id. */
  public static final String HEADER = "X-Request-Id";

  /** Routing-context key holding the request id. */
  public static final String CONTEXT_KEY = "dynagate.requestId";

  private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  void register(@Observes Router router) {
    router.route().order(Integer.MIN_VALUE).handler(this::assign);
  }

  void assign(RoutingContext rc) {
    String id = accept(rc.request().getHeader(HEADER));
    rc.put(CONTEXT_KEY, id);
    rc.response().putHeader(HEADER, id);
    rc.next();
  }

  /** The caller's id when it is safe to echo and log, else a new one. */
  static String accept(String offered) {
    return offered != null && WELL_FORMED.matcher(offered).matches() ? offered : fresh();
  }

  /**
   * A random version-4 UUID from {@link ThreadLocalRandom}: request ids are correlation ids, not
   * secrets, and {@code UUID.randomUUID()} would take the shared {@code SecureRandom} on every
   * request.
   */
  static String fresh() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }
}
