package io.dynagate.proxy;

import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientResponse;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Dataverse's service protection as seen from here: after an upstream 429 the connection is held
 * for its {@code Retry-After} on every replica ({@link ThrottleHolds}); meanwhile the gateway
 * answers 429 {@code throttled} itself, before a token is fetched.
 */
@ApplicationScoped
class ThrottleInterceptor implements ProxyInterceptor {
  private final ThrottleHolds holds;

  ThrottleInterceptor(ThrottleHolds holds) {
    this.holds = holds;
  }

  @Override
  public Uni<Void> onRequest(ProxyExchange x) {
    Optional<Long> held = holds.heldFor(x.connectionId);
    if (held.isPresent()) {
      throw GatewayProblem.retryAfter(
          ProblemCode.THROTTLED,
          "Dataverse throttled this connection; the gateway holds calls until Retry-After.",
          held.get());
    }
    return PASS;
  }

  @Override
  public void onResponse(ProxyExchange x, HttpClientResponse response) {
    if (response.statusCode() == 429) {
      holds.hold(x.connectionId, response.getHeader("Retry-After"));
    }
  }
}
