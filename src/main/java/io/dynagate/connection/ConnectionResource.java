package io.dynagate.connection;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynagate.audit.CurrentActor;
import io.dynagate.problem.JsonProblems;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

/** {@code /admin/v1/connections}: contract section 3. */
@Path("/admin/v1/connections")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class ConnectionResource {
  private final ConnectionService service;
  private final CurrentActor actor;

  ConnectionResource(ConnectionService service, CurrentActor actor) {
    this.service = service;
    this.actor = actor;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Uni<Response> create(ConnectionSpec spec) {
    if (spec == null) {
      return Uni.createFrom().failure(JsonProblems.bodyRequired());
    }
    return service
        .create(spec, actor.get())
        .map(
            c -> Response.created(URI.create("/admin/v1/connections/" + c.id())).entity(c).build());
  }

  @GET
  public Uni<List<ConnectionView>> list() {
    return service.list();
  }

  @GET
  @Path("{id}")
  public Uni<ConnectionView> get(@PathParam("id") String id) {
    return service.get(id);
  }

  @PATCH
  @Path("{id}")
  @Consumes({"application/merge-patch+json", MediaType.APPLICATION_JSON})
  public Uni<ConnectionView> patch(@PathParam("id") String id, JsonNode patch) {
    return service.patch(id, patch, actor.get());
  }

  @DELETE
  @Path("{id}")
  public Uni<Response> delete(@PathParam("id") String id) {
    return service.delete(id, actor.get()).map(x -> Response.noContent().build());
  }
}
