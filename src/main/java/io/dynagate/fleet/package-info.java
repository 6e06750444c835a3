/**
 * What the replicas share through Redis besides their data: fleet-wide notifications over pub/sub
 * (kept subscribed across Redis restarts and failovers, with a readiness check and a gauge), the
 * naming of a connection's keys (one cluster hash tag per connection), the bound on reactive Redis
 * commands, leases held by one replica at a time ({@link io.dynagate.fleet.FleetLease}), and single
 * flight. It imports no feature (only {@code observability} for its gauge).
 *
 * <p>Threading: subscription callbacks, retries and {@link
 * io.dynagate.fleet.FleetEvents#onSubscribed} hooks run on Vert.x event-loop threads and never
 * block; only the start waits (at most 2 s, on the main thread) for the first subscription.
 */
package io.dynagate.fleet;
