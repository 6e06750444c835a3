/**
 * Sandbox: a small stand-in for Entra ID (token endpoint) and the Dataverse Web API, served by its
 * own Vert.x HTTP server on its own port, with test knobs and observation under {@code /_sandbox/}.
 *
 * <p>It imports no other dynagate feature and no feature imports it; only a dev seeding bean knows
 * both. It runs with or without Quarkus ({@link io.dynagate.sandbox.SandboxServer#start}).
 *
 * <p>What the Web API emulates, below {@code /api/data/v9.2/}, for the tables {@code accounts} and
 * {@code contacts} ({@link io.dynagate.sandbox.EntityType}, the one model everything else is
 * derived from):
 *
 * <ul>
 *   <li>the service document, {@code $metadata} (OData 4.0 CSDL, {@link
 *       io.dynagate.sandbox.MetadataDocument}) and {@code WhoAmI};
 *   <li>queries: {@code $select}, {@code $filter} (comparisons, {@code and or not}, parentheses,
 *       {@code startswith endswith contains}, parameter aliases; {@link
 *       io.dynagate.sandbox.Filter}), {@code $orderby}, {@code $top}, {@code $count=true} and
 *       {@code set/$count} (capped at 5000), paging by {@code Prefer: odata.maxpagesize} with
 *       absolute {@code @odata.nextLink}s whose {@code $skiptoken} cookie holds the last row's sort
 *       values;
 *   <li>create, retrieve, update (upsert), delete by key, ETags, {@code If-Match}, {@code
 *       If-None-Match}, {@code return=representation}, {@code nav@odata.bind}, bodies in JSON
 *       full-metadata form;
 *   <li>{@code Accept: …;odata.metadata=minimal|full|none} and {@code Prefer:
 *       odata.include-annotations} (formatted values, lookup annotations; {@link
 *       io.dynagate.sandbox.Representation});
 *   <li>HEAD on everything that answers GET;
 *   <li>{@code $batch} with change sets, Content-ID references and {@code odata.continue-on-error}
 *       ({@link io.dynagate.sandbox.BatchHandler});
 *   <li>Dataverse's error bodies, 401 for bad or expired tokens, and on demand 429 and 500.
 * </ul>
 *
 * <p>Not emulated: {@code $expand}, {@code $apply}, {@code $search}, navigation segments and
 * alternate keys (501); other functions, actions and tables are unknown segments (404). {@code
 * $skip} is a 400, as in Dataverse.
 *
 * <p>Threading: every handler runs on the event loop of the server and never blocks; delays (the
 * latency knobs) are Vert.x timers. State is in memory; the few shared structures are guarded by
 * short {@code synchronized} sections or atomics so that Java callers on other threads (tests, the
 * seeding bean) may read and change them too.
 */
package io.dynagate.sandbox;
