package io.dynagate.grant;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Grants; callers run inside a session or transaction opened by the service. */
@ApplicationScoped
public class GrantRepository implements PanacheRepositoryBase<GrantEntity, GrantEntity.Key> {

  /** The grants of any of {@code principals} on one connection (one query). */
  public Uni<List<GrantEntity>> forPrincipals(String connectionId, List<String> principals) {
    return list("connectionId = ?1 and principal in ?2", connectionId, principals);
  }

  public Uni<List<GrantEntity>> forConnection(String connectionId) {
    return list("connectionId", Sort.by("principal"), connectionId);
  }
}
