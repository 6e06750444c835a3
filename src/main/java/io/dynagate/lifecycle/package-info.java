/**
 * Shutdown without dropped requests (README "Rollouts and shutdown"). Quarkus owns most of it:
 * {@code quarkus.shutdown.delay} (readiness DOWN, requests still served), then {@code
 * quarkus.shutdown.timeout} (requests in flight, streamed answers included, may finish; what still
 * runs is cut when the servers close). {@link io.dynagate.lifecycle.ShutdownGate} adds the one
 * thing Quarkus does not do: once the delay is over, a new request is answered 503 instead of being
 * started inside the grace that is meant for the ones already running.
 *
 * <p>Threading: the gate's state is written once, on Quarkus's shutdown thread, and read with one
 * volatile load on the event loop of every request; nothing here blocks.
 */
package io.dynagate.lifecycle;
