package io.dynagate.token;

import io.dynagate.audit.CurrentActor;
import io.dynagate.connection.ConnectionService;
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
  private final CurrentActor actor;

  ConnectionTokensResource(ConnectionService connections, TokenService tokens, CurrentActor actor) {
    this.connections = connections;
    this.tokens = tokens;
    this.actor = actor;
  }

  /**
   * The stored refresh token goes first, with the {@code tokens.drop} audit record in its
   * transaction (404 for an unknown connection); then the cached access tokens on every replica.
   */
  @DELETE
  public Uni<Response> forget(@PathParam("id") String id) {
    return connections
        .dropTokens(id, actor.get())
        .chain(() -> tokens.forget(id))
        .map(x -> Response.noContent().build());
  }
}
