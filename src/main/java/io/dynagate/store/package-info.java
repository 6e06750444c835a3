/**
 * PostgreSQL as the request path sees it: bounded calls ({@link io.dynagate.store.PoolTimeouts},
 * {@link io.dynagate.store.Deadline}), whether it is reachable ({@link
 * io.dynagate.store.StoreHealth}, readiness), and the last known answers the proxy keeps deciding
 * from while it is not ({@link io.dynagate.store.LastKnown}).
 */
package io.dynagate.store;
