/**
 * The proxy pipeline. Threading: everything here runs on the Vert.x event loop; nothing may block.
 *
 * <p>The pure building blocks ({@link io.dynagate.proxy.PathPolicy}, {@link
 * io.dynagate.proxy.HeaderPolicy}, {@link io.dynagate.proxy.LinkRewriter}) do no I/O and are
 * unit-tested without Quarkus.
 */
package io.dynagate.proxy;
