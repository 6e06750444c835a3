/**
 * The proxy: {@code ProxyHandler} runs one chain of {@link io.dynagate.proxy.ProxyInterceptor}s
 * around the {@code Forwarder}. Each interceptor owns one concern, with a request side (in this
 * order, before anything is sent to Dataverse) and a response side (in reverse order, on the
 * upstream answer's head):
 *
 * <ol>
 *   <li>{@code AccessLogInterceptor} — the access line and the request timer, once the request is
 *       over;
 *   <li>{@code BodyLimitInterceptor} — {@code Content-Length} checked (400/413) before any I/O;
 *       creates {@code RequestBody}, the one reader of the body;
 *   <li>{@code AuthenticationInterceptor} — who: {@code X-Api-Key}, the same key as {@code
 *       Authorization: Bearer dgk_…}, or a bearer JWT;
 *   <li>{@code AuthorizationInterceptor} — role, path policy, grants, connection, and one decision
 *       for direct, write-body and {@code $batch} requests (the forwarded batch written anew by
 *       {@link io.dynagate.proxy.BatchInspector}); the only writer of {@code decision};
 *   <li>{@code ThrottleInterceptor} — 429 while the connection is held; an upstream 429 holds it;
 *   <li>{@code LinkInterceptor} — links onto the public base the caller used ({@link
 *       io.dynagate.proxy.PublicBases}, {@link io.dynagate.proxy.LinkRewriter});
 *   <li>{@code TokenInterceptor} — the access token, and the one refresh-and-replay after a 401;
 *   <li>{@code Forwarder} — sends and streams back; a fault after the answer's head resets the
 *       caller's stream and closes the upstream exchange (never a clean end).
 * </ol>
 *
 * A new concern is a new interceptor class and one line in {@code ProxyHandler}. Any request side
 * may end the request with a {@link io.dynagate.problem.GatewayProblem}; {@code ProxyHandler}
 * writes it ({@code application/json} with a Dataverse-shaped {@code error} member unless the
 * caller accepts {@code application/problem+json}) — also the security layer's 401s — so the access
 * line and the timer carry the status sent.
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
