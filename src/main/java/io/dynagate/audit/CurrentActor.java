package io.dynagate.audit;

import io.dynagate.observability.RequestIdFilter;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The {@link Actor} of the current admin request: the authenticated principal and the request's
 * {@code X-Request-Id}. For resources only; it needs an active request (code without one passes
 * {@link Actor#PROVISIONING} or {@link Actor#process} instead, so nothing is ever attributed to a
 * default by accident).
 */
@ApplicationScoped
public class CurrentActor {
  private final SecurityIdentity identity;
  private final CurrentVertxRequest request;

  CurrentActor(SecurityIdentity identity, CurrentVertxRequest request) {
    this.identity = identity;
    this.request = request;
  }

  /** The authenticated admin and the request id. */
  public Actor get() {
    return new Actor(identity.getPrincipal().getName(), requestId());
  }

  /** The current request's id (also for requests with no admin identity, such as a callback). */
  public String requestId() {
    RoutingContext rc = request.getCurrent();
    return rc == null ? null : rc.get(RequestIdFilter.CONTEXT_KEY);
  }
}
