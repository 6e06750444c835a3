/**
 * The proxy pipeline: {@code ProxyHandler} runs the steps in this order — {@code AuthenticateStep}
 * (who: {@code X-Api-Key}, the same key as {@code Authorization: Bearer dgk_…}, or a bearer JWT),
 * {@code ProxyTarget} (path policy, grant, connection), {@code AuthorizeStep} (method, entity set,
 * impersonation and privileged headers, throttle hold), {@code BatchStep} ({@code $batch}: every
 * part checked like a request of its own, the forwarded body written anew by {@link
 * io.dynagate.proxy.BatchInspector}), {@code WriteBodyStep} (write bodies under entity-set grants),
 * {@code TokenStep}, {@code ForwardStep} (stream to Dataverse and back, rewriting links onto the
 * public base the caller used, see {@link io.dynagate.proxy.PublicBases}). Every step before {@code
 * ForwardStep} may end the request with a problem; nothing is sent upstream before it. {@code
 * ProxyHandler} writes every gateway-made error itself ({@code application/json} with a
 * Dataverse-shaped {@code error} member unless the caller accepts {@code application/problem+json})
 * — also the security layer's 401s — so the access line and the timer carry the status sent.
 *
 * <p>Threading: everything here runs on the Vert.x event loop; nothing may block. Bodies stream
 * with back-pressure in both directions and are never buffered whole, except a {@code $batch} or a
 * write under an entity-set grant (bounded by {@code dynagate.proxy.max-batch-bytes}) and a small
 * body kept for a replay after an upstream 401 ({@code dynagate.proxy.replay-buffer-bytes}).
 *
 * <p>The pure building blocks ({@link io.dynagate.proxy.PathPolicy}, {@link
 * io.dynagate.proxy.HeaderPolicy}, {@link io.dynagate.proxy.LinkRewriter}, {@link
 * io.dynagate.proxy.BatchInspector}, {@link io.dynagate.proxy.EntitySetReach}, {@link
 * io.dynagate.proxy.BodyReach}) do no I/O and are unit-tested without Quarkus.
 */
package io.dynagate.proxy;
