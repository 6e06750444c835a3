package io.dynagate.grant;

import io.dynagate.audit.CurrentActor;
import io.dynagate.problem.JsonProblems;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** {@code /admin/v1/connections/{id}/grants}: contract section 3. */
@Path("/admin/v1/connections/{id}/grants")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class GrantResource {
  private final GrantService service;
  private final CurrentActor actor;

  GrantResource(GrantService service, CurrentActor actor) {
    this.service = service;
    this.actor = actor;
  }

  @PUT
  @Path("{principal: .+}")
  @Consumes(MediaType.APPLICATION_JSON)
  public Uni<GrantView> put(
      @PathParam("id") String id, @PathParam("principal") String principal, GrantSpec spec) {
    if (spec == null) {
      return Uni.createFrom().failure(JsonProblems.bodyRequired());
    }
    return service.put(id, principal, spec, actor.get());
  }

  @GET
  public Uni<List<GrantView>> list(@PathParam("id") String id) {
    return service.list(id);
  }

  @DELETE
  @Path("{principal: .+}")
  public Uni<Response> delete(
      @PathParam("id") String id, @PathParam("principal") String principal) {
    return service.delete(id, principal, actor.get()).map(x -> Response.noContent().build());
  }
}
