package io.dynagate.oauth;

import io.dynagate.audit.CurrentActor;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code POST /admin/v1/connections/{id}/authorizations}: starts a browser consent. */
@Path("/admin/v1/connections/{id}/authorizations")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class AuthorizationResource {
  private final AuthorizationService service;
  private final CurrentActor actor;

  AuthorizationResource(AuthorizationService service, CurrentActor actor) {
    this.service = service;
    this.actor = actor;
  }

  @POST
  public Uni<Response> start(@PathParam("id") String id) {
    return service
        .start(id, actor.get().principal())
        .map(s -> Response.status(201).header("Cache-Control", "no-store").entity(s).build());
  }
}
