package io.dynagate.oauth;

import io.dynagate.audit.CurrentActor;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /oauth2/callback}: no caller authentication — the single-use state is the capability.
 * Answers a plain HTML page; never shows a token.
 */
@Path(AuthorizationService.CALLBACK_PATH)
@PermitAll
public class CallbackResource {
  private final AuthorizationService service;
  private final CurrentActor actor;

  CallbackResource(AuthorizationService service, CurrentActor actor) {
    this.service = service;
    this.actor = actor;
  }

  @GET
  public Uni<Response> callback(
      @QueryParam("state") String state,
      @QueryParam("code") String code,
      @QueryParam("error") String error,
      @QueryParam("error_description") String errorDescription) {
    return service
        .finish(state, code, error, errorDescription, actor.requestId())
        .map(
            o ->
                Response.status(o.authorized() ? 200 : 400)
                    .type("text/html; charset=utf-8")
                    .header("Cache-Control", "no-store")
                    .header("Referrer-Policy", "no-referrer")
                    .header("Content-Security-Policy", "default-src 'none'")
                    .entity(
                        Html.page(
                            o.authorized() ? "Authorized" : "Authorization failed", o.message()))
                    .build());
  }
}
