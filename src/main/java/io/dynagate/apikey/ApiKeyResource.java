package io.dynagate.apikey;

import io.dynagate.audit.CurrentActor;
import io.dynagate.problem.JsonProblems;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

/** {@code /admin/v1/api-keys}: contract section 3. */
@Path("/admin/v1/api-keys")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class ApiKeyResource {
  private final ApiKeyService service;
  private final CurrentActor actor;

  ApiKeyResource(ApiKeyService service, CurrentActor actor) {
    this.service = service;
    this.actor = actor;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Uni<Response> create(ApiKeySpec spec) {
    if (spec == null) {
      return Uni.createFrom().failure(JsonProblems.bodyRequired());
    }
    return service
        .create(spec, actor.get())
        .map(
            k ->
                Response.created(URI.create("/admin/v1/api-keys/" + k.id()))
                    .header("Cache-Control", "no-store")
                    .entity(k)
                    .build());
  }

  @GET
  public Uni<List<ApiKeyView>> list() {
    return service.list();
  }

  @DELETE
  @Path("{id}")
  public Uni<Response> revoke(@PathParam("id") String id) {
    return service.revoke(id, actor.get()).map(x -> Response.noContent().build());
  }
}
