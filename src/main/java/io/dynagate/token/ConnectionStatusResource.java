package io.dynagate.token;

import io.dynagate.connection.ConnectionService;
import io.dynagate.connection.ConnectionStatus;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /admin/v1/connections/{id}/status}: the registry's view joined with what the token
 * layer knows (last refresh, current expiry, the IdP's last error) and the last health probe; the
 * state is {@link EffectiveStatus}'s. Never a token.
 */
@Path("/admin/v1/connections/{id}/status")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class ConnectionStatusResource {
  private final ConnectionService connections;
  private final TokenStatusStore tokens;

  ConnectionStatusResource(ConnectionService connections, TokenStatusStore tokens) {
    this.connections = connections;
    this.tokens = tokens;
  }

  @GET
  public Uni<ConnectionStatus> status(@PathParam("id") String id) {
    return connections
        .status(id)
        .chain(base -> tokens.get(id).map(snapshot -> merge(base, snapshot)));
  }

  static ConnectionStatus merge(ConnectionStatus base, TokenStatusStore.Snapshot s) {
    return EffectiveStatus.of(base, s);
  }
}
