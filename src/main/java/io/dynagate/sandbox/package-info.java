/**
 * Sandbox: a small stand-in for Entra ID (token endpoint) and the Dataverse Web API, served by its
 * own Vert.x HTTP server on its own port, with test knobs and observation under {@code /_sandbox/}.
 *
 * <p>It imports no other dynagate feature and no feature imports it; only a dev seeding bean knows
 * both. It runs with or without Quarkus ({@link io.dynagate.sandbox.SandboxServer#start}).
 *
 * <p>Threading: every handler runs on the event loop of the server and never blocks; delays (the
 * latency knobs) are Vert.x timers. State is in memory; the few shared structures are guarded by
 * short {@code synchronized} sections or atomics so that Java callers on other threads (tests, the
 * seeding bean) may read and change them too.
 */
package io.dynagate.sandbox;
