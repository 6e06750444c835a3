package io.dynagate.access;

import io.dynagate.config.DynagateConfig;
import io.dynagate.observability.RequestIdFilter;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.dynagate.problem.Problems;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code dynagate.admin.enabled=false}: the admin API ({@code /admin/v1} and everything under it)
 * and the OAuth callback ({@code /oauth2/callback}) answer 404 {@code not_found}, exactly as a path
 * that does not exist, before authentication and before any route, so no credential (not even the
 * bootstrap admin key) reaches them. The callback goes with the admin API because every consent
 * starts there; a gateway without it has no browser consent, so its authorization-code connections
 * cannot get a first refresh token: a sidecar uses client-credentials or static-token connections.
 * The OpenAPI document (management port) is unchanged.
 */
@ApplicationScoped
class AdminApiSwitch {
  static final String ADMIN_PREFIX = "/admin/v1";

  /**
   * {@code io.dynagate.oauth.AuthorizationService.CALLBACK_PATH} (access does not import oauth).
   */
  static final String CALLBACK_PATH = "/oauth2/callback";

  private static final GatewayProblem NOT_FOUND =
      GatewayProblem.of(ProblemCode.NOT_FOUND, ProblemCode.NOT_FOUND.title() + ".");

  private final boolean enabled;

  AdminApiSwitch(DynagateConfig config) {
    this.enabled = config.admin().enabled();
  }

  void register(@Observes Router router) {
    if (enabled) {
      return;
    }
    // after the request id and the shutdown gate, before authentication and every route
    router.route().order(Integer.MIN_VALUE + 2).handler(this::refuse);
  }

  void refuse(RoutingContext rc) {
    // the normalised path: dot segments and encoded unreserved characters cannot slip past
    if (!switchedOff(rc.normalizedPath())) {
      rc.next();
      return;
    }
    Problems.write(
        rc.response(), NOT_FOUND, rc.get(RequestIdFilter.CONTEXT_KEY), Problems.MEDIA_TYPE);
  }

  static boolean switchedOff(String normalized) {
    // "//admin/v1" would reach the same resource; ";" starts path parameters the router drops
    String path = normalized.indexOf("//") < 0 ? normalized : normalized.replaceAll("/{2,}", "/");
    int semicolon = path.indexOf(';');
    if (semicolon >= 0) {
      path = path.substring(0, semicolon);
    }
    return path.equals(ADMIN_PREFIX)
        || path.startsWith(ADMIN_PREFIX + "/")
        || path.equals(CALLBACK_PATH)
        || path.startsWith(CALLBACK_PATH + "/");
  }
}
