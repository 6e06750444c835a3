package io.dynagate.audit;

import java.util.Objects;

/**
 * Who makes an admin change: the authenticated principal and the request id of the HTTP request
 * that carried it, or a named process with no request.
 *
 * @param principal the admin principal ({@code SecurityIdentity} name) or the process name
 * @param requestId the request's {@code X-Request-Id}; null when there is no HTTP request
 */
public record Actor(String principal, String requestId) {
  /** Declarative provisioning at start-up: principal {@code provisioning}, no request id. */
  public static final Actor PROVISIONING = process("provisioning");

  public Actor {
    Objects.requireNonNull(principal, "principal");
  }

  /** A change made by the gateway itself, outside any HTTP request. */
  public static Actor process(String name) {
    return new Actor(name, null);
  }
}
