package io.dynagate.store;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of PostgreSQL in place of Quarkus's datasource check ({@code
 * quarkus.datasource.health.enabled=false}): a bounded {@code SELECT 1}. When it fails, the replica
 * stays ready while it can still decide from last known answers (PostgreSQL answered before and has
 * been away for less than {@code dynagate.store.max-staleness}), so a database blip does not take
 * every replica out of the Service at once; after that, or if it never answered, it is not ready.
 */
@Readiness
@ApplicationScoped
class StoreReadiness implements AsyncHealthCheck {
  static final String NAME = "PostgreSQL";

  private final Pool pool;
  private final StoreHealth store;

  StoreReadiness(Pool pool, StoreHealth store) {
    this.pool = pool;
    this.store = store;
  }

  @Override
  public Uni<HealthCheckResponse> call() {
    return store
        // through a leased connection: the pool's one-shot query path fails its own promise twice
        // when its acquire timer fires late (Vert.x SQL client 4.5), logging an ERROR each time
        .bound(pool.withConnection(c -> c.query("SELECT 1").execute()))
        .onItemOrFailure()
        .transform(
            (rows, failure) -> {
              store.record(failure);
              if (failure == null) {
                return HealthCheckResponse.up(NAME);
              }
              var answer =
                  HealthCheckResponse.named(NAME)
                      .withData("reachable", false)
                      .withData("unreachableForMillis", store.downForMillis());
              if (!store.down()) {
                // failed for a reason of the query, not of the link: report it as is
                return answer.down().build();
              }
              return store.canDecide()
                  ? answer.withData("decidingFromLastKnown", true).up().build()
                  : answer.down().build();
            });
  }
}
