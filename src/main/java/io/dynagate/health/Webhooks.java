package io.dynagate.health;

import io.dynagate.config.DynagateConfig;
import io.dynagate.observability.Metrics;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * POSTs each {@link StateChange} to every configured webhook, signed: {@code X-Dynagate-Timestamp}
 * (unix seconds), {@code X-Dynagate-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." +
 * body)>}, {@code X-Dynagate-Event-Id}. A non-2xx answer, a network error or no answer within
 * {@code dynagate.proxy.upstream-timeout} is retried after {@code dynagate.events.initial-backoff},
 * doubling up to {@code max-backoff}, for {@code max-attempts} attempts in all; then one WARN.
 * Pending deliveries live in this process only: a replica that stops loses them.
 */
@ApplicationScoped
class Webhooks {
  private static final Logger LOG = Logger.getLogger(Webhooks.class);

  private final Map<String, DynagateConfig.Webhook> hooks;
  private final DynagateConfig.Events config;
  private final Metrics metrics;
  private final Vertx vertx;
  private final Clock clock;
  private final HttpClient client;
  private final long timeoutMillis;

  Webhooks(DynagateConfig config, Metrics metrics, Vertx vertx, Clock clock) {
    this.hooks = config.events().webhooks();
    this.config = config.events();
    this.metrics = metrics;
    this.vertx = vertx;
    this.clock = clock;
    this.timeoutMillis = Math.max(1, config.proxy().upstreamTimeout().toMillis());
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setConnectTimeout((int) config.proxy().connectTimeout().toMillis())
                .setKeepAlive(false));
  }

  @PreDestroy
  void close() {
    client.close();
  }

  /** Starts the deliveries of {@code event}; they go on in the background. */
  void deliver(StateChange event) {
    String body = event.json();
    hooks.forEach((name, hook) -> attempt(name, hook, event, body, 1));
  }

  private void attempt(
      String name, DynagateConfig.Webhook hook, StateChange event, String body, int n) {
    send(hook, event, body)
        .subscribe()
        .with(
            status -> {
              if (status >= 200 && status < 300) {
                metrics.webhookDelivery("delivered");
              } else {
                again(name, hook, event, body, n, "HTTP " + status);
              }
            },
            failure -> again(name, hook, event, body, n, failure.getClass().getSimpleName()));
  }

  private void again(
      String name, DynagateConfig.Webhook hook, StateChange event, String body, int n, String why) {
    if (n >= config.maxAttempts()) {
      metrics.webhookDelivery("failed");
      LOG.warnf(
          "webhook %s (%s) gave up on event %s after %d attempts, last: %s",
          name, printable(hook.url()), event.id(), n, why);
      return;
    }
    metrics.webhookDelivery("retried");
    vertx.setTimer(
        backoff(n, config.initialBackoff(), config.maxBackoff()).toMillis(),
        t -> attempt(name, hook, event, body, n + 1));
  }

  /** The wait after attempt {@code n} (1-based): initial, doubling, capped. */
  static Duration backoff(int n, Duration initial, Duration max) {
    Duration wait = initial.multipliedBy(1L << Math.min(20, Math.max(0, n - 1)));
    return wait.compareTo(max) > 0 ? max : wait;
  }

  private Uni<Integer> send(DynagateConfig.Webhook hook, StateChange event, String body) {
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(hook.url())
            .putHeader("Content-Type", "application/json")
            .putHeader("X-Dynagate-Event-Id", event.id())
            .putHeader("X-Dynagate-Timestamp", timestamp)
            .putHeader("X-Dynagate-Signature", "sha256=" + sign(hook.secret(), timestamp, body))
            .setFollowRedirects(false)
            .setIdleTimeout(timeoutMillis);
    Future<Integer> status =
        client
            .request(options)
            .compose(request -> request.send(Buffer.buffer(body, "UTF-8")))
            .compose(response -> response.body().map(b -> response.statusCode()));
    return UniHelper.toUni(status).ifNoItem().after(Duration.ofMillis(timeoutMillis)).fail();
  }

  /** Hex HMAC-SHA256 of {@code timestamp + "." + body} under {@code secret}. */
  static String sign(String secret, String timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of()
          .formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** Scheme, host, port and path: no query string, no user info (either may hold a secret). */
  static String printable(String url) {
    try {
      URI u = URI.create(url);
      return u.getScheme()
          + "://"
          + u.getHost()
          + (u.getPort() < 0 ? "" : ":" + u.getPort())
          + (u.getRawPath() == null ? "" : u.getRawPath());
    } catch (IllegalArgumentException e) {
      return "<unparsable url>";
    }
  }
}
