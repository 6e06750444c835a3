package io.dynagate.connection;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Encrypted secrets of connections. */
@ApplicationScoped
public class ConnectionSecretRepository
    implements PanacheRepositoryBase<ConnectionSecretEntity, ConnectionSecretEntity.Key> {

  public Uni<List<ConnectionSecretEntity>> forConnection(String connectionId) {
    return list("connectionId", connectionId);
  }

  public Uni<Long> deleteField(String connectionId, String field) {
    return delete("connectionId = ?1 and field = ?2", connectionId, field);
  }
}
