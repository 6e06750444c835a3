package io.dynagate.sandbox;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /_sandbox/}: knobs and observation for tests, no authentication (emulator only).
 *
 * <ul>
 *   <li>{@code POST /_sandbox/reset}: reseed data, zero counters, clear knobs, tokens and the log
 *   <li>{@code GET /_sandbox/stats}: request counters
 *   <li>{@code GET|POST /_sandbox/knobs}: read or change knobs ({@code "rejectDataApi": true}
 *       simulates a revoked app registration or a disabled application user: every data API
 *       request, WhoAmI included, gets 403 {@code 0x80040225} while tokens are still issued; {@code
 *       false} or {@code null} recovers)
 *   <li>{@code GET /_sandbox/requests}: the last data API requests with their headers and bodies
 *   <li>{@code POST /_sandbox/tokens/revoke}: forget every issued access token
 *   <li>{@code POST /_sandbox/refresh-tokens/revoke}: every issued refresh token stops working
 * </ul>
 *
 * <p>{@code POST /_sandbox/knobs} also takes the action {@code "revokeRefreshTokens": true},
 * carried out after the knobs in the same body are applied (and not at all if one of them is
 * invalid).
 */
final class ControlApi {

  static final String PREFIX = "/_sandbox";

  /** Action (not a knob) accepted in the knobs body. */
  private static final String REVOKE_REFRESH_TOKENS = "revokeRefreshTokens";

  private final SandboxServer server;

  ControlApi(SandboxServer server) {
    this.server = server;
  }

  void mount(Router router) {
    router.post(PREFIX + "/reset").handler(this::reset);
    router.get(PREFIX + "/stats").handler(ctx -> json(ctx, 200, server.stats().toJson().encode()));
    router.get(PREFIX + "/knobs").handler(ctx -> json(ctx, 200, server.knobs().toJson().encode()));
    router.post(PREFIX + "/knobs").handler(this::setKnobs);
    router
        .get(PREFIX + "/requests")
        .handler(ctx -> json(ctx, 200, server.requestLog().toJson().encode()));
    router.post(PREFIX + "/tokens/revoke").handler(this::revoke);
    router.post(PREFIX + "/refresh-tokens/revoke").handler(this::revokeRefreshTokens);
  }

  private void reset(RoutingContext ctx) {
    server.reset();
    ctx.response().setStatusCode(204).end();
  }

  private void revoke(RoutingContext ctx) {
    server.revokeTokens();
    ctx.response().setStatusCode(204).end();
  }

  private void revokeRefreshTokens(RoutingContext ctx) {
    server.revokeRefreshTokens();
    ctx.response().setStatusCode(204).end();
  }

  private void setKnobs(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      json(ctx, 400, error("the body must be a JSON object of knobs"));
      return;
    }
    if (body == null) {
      json(ctx, 400, error("the body must be a JSON object of knobs"));
      return;
    }
    Object revoke = body.remove(REVOKE_REFRESH_TOKENS);
    if (revoke != null && !(revoke instanceof Boolean)) {
      json(ctx, 400, error("'" + REVOKE_REFRESH_TOKENS + "' must be true or false"));
      return;
    }
    try {
      server.knobs().apply(body);
    } catch (IllegalArgumentException e) {
      json(ctx, 400, error(e.getMessage()));
      return;
    }
    if (Boolean.TRUE.equals(revoke)) {
      server.revokeRefreshTokens();
    }
    json(ctx, 200, server.knobs().toJson().encode());
  }

  private static String error(String message) {
    return new JsonObject().put("error", message).encode();
  }

  private static void json(RoutingContext ctx, int status, String body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body);
  }
}
