package io.dynagate.grant;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Grants; callers run inside a session or transaction opened by the service. */
@ApplicationScoped
public class GrantRepository implements PanacheRepositoryBase<GrantEntity, GrantEntity.Key> {

  public Uni<List<GrantEntity>> forConnection(String connectionId) {
    return list("connectionId", Sort.by("principal"), connectionId);
  }
}
