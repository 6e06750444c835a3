/**
 * The proxy pipeline: {@code ProxyHandler} runs the steps in this order — {@code AuthenticateStep}
 * (who), {@code ResolveStep} (path policy, grant, connection), {@code AuthorizeStep} (method,
 * entity set, impersonation, throttle hold), {@code TokenStep}, {@code ForwardStep} (stream to
 * Dataverse and back, rewriting links). Every step before {@code ForwardStep} may end the request
 * with a problem; nothing is sent upstream before it.
 *
 * <p>Threading: everything here runs on the Vert.x event loop; nothing may block. Bodies stream
 * with back-pressure in both directions and are never buffered whole.
 *
 * <p>The pure building blocks ({@link io.dynagate.proxy.PathPolicy}, {@link
 * io.dynagate.proxy.HeaderPolicy}, {@link io.dynagate.proxy.LinkRewriter}) do no I/O and are
 * unit-tested without Quarkus.
 */
package io.dynagate.proxy;
