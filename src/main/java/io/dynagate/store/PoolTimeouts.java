package io.dynagate.store;

import io.dynagate.config.DynagateConfig;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.core.Future;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds the PostgreSQL pool with every wait bounded, since Quarkus's datasource settings bound
 * none of them: a TCP connect ({@code dynagate.store.connect-timeout}), a wait for a pooled
 * connection ({@code acquire-timeout}), and any wait for the server ({@code query-timeout}: no byte
 * for that long closes the connection, failing what runs on it, which is how a statement on a
 * partitioned link ends; PostgreSQL's own {@code statement_timeout} cancels a slow one on a healthy
 * link). Idle pooled connections are closed after half the query timeout, before the read bound
 * could fire while a statement just handed to one is answered.
 */
@Singleton
public class PoolTimeouts implements PgPoolCreator {
  private final DynagateConfig.Store store;

  PoolTimeouts(DynagateConfig config) {
    this.store = config.store();
  }

  @Override
  public Pool create(Input input) {
    int query = (int) Math.max(1, store.queryTimeout().toMillis());
    PoolOptions pool = input.poolOptions();
    pool.setConnectionTimeout((int) Math.max(1, store.acquireTimeout().toMillis()));
    pool.setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
    long idle = pool.getIdleTimeoutUnit().toMillis(pool.getIdleTimeout());
    if (idle <= 0 || idle > query / 2) {
      pool.setIdleTimeout(Math.max(1, query / 2));
      pool.setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    }
    for (PgConnectOptions options : input.pgConnectOptionsList()) {
      options.setConnectTimeout((int) Math.max(1, store.connectTimeout().toMillis()));
      options.setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
      options.setReadIdleTimeout(query);
      options.addProperty("statement_timeout", Integer.toString(query));
    }
    List<SqlConnectOptions> servers = List.copyOf(input.pgConnectOptionsList());
    AtomicInteger next = new AtomicInteger();
    return PgBuilder.pool()
        .with(pool)
        .connectingTo(
            () ->
                Future.succeededFuture(
                    servers.get(Math.floorMod(next.getAndIncrement(), servers.size()))))
        .using(input.vertx())
        .build();
  }
}
