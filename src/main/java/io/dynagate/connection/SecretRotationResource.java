package io.dynagate.connection;

import io.dynagate.audit.CurrentActor;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code /admin/v1/encryption-keys}: which keys encrypt what, and re-encryption after rotation. */
@Path("/admin/v1/encryption-keys")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class SecretRotationResource {
  private final SecretRotationService service;
  private final CurrentActor actor;

  SecretRotationResource(SecretRotationService service, CurrentActor actor) {
    this.service = service;
    this.actor = actor;
  }

  @GET
  public Uni<EncryptionKeyStatus> status() {
    return service.status();
  }

  /** Re-encrypts every stored secret not under the primary key; safe to repeat. */
  @POST
  @Path("rotate")
  public Uni<RotationReport> rotate() {
    return service.rotate(actor.get());
  }
}
