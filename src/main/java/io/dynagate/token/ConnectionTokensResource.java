package io.dynagate.token;

import io.dynagate.connection.ConnectionService;
import io.dynagate.problem.GatewayProblem;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

/**
 * {@code DELETE /admin/v1/connections/{id}/tokens}: forgets every token of the connection on all
 * replicas (a delegated connection then needs a new consent).
 */
@Path("/admin/v1/connections/{id}/tokens")
@RolesAllowed("admin")
public class ConnectionTokensResource {
  private final ConnectionService connections;
  private final TokenService tokens;

  ConnectionTokensResource(ConnectionService connections, TokenService tokens) {
    this.connections = connections;
    this.tokens = tokens;
  }

  @DELETE
  public Uni<Response> forget(@PathParam("id") String id) {
    return connections
        .resolve(id)
        .map(c -> c.orElseThrow(GatewayProblem::connectionNotFound))
        .chain(tokens::forgetAll)
        .map(x -> Response.noContent().build());
  }
}
