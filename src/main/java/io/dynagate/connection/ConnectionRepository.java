package io.dynagate.connection;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

/** Connections; callers run inside a session or transaction opened by the service. */
@ApplicationScoped
public class ConnectionRepository implements PanacheRepositoryBase<ConnectionEntity, String> {}
