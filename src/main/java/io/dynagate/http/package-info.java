/**
 * The connection level, in front of every route on both ports: what a caller's connection may do
 * before its request is routed. {@link io.dynagate.http.HttpEdge} refuses requests whose framing
 * RFC 9112 says must not be guessed (two {@code Host} headers, no valid {@code Host} on HTTP/1.1, a
 * {@code Transfer-Encoding} that does not end with {@code chunked}) with 400 {@code bad_request}
 * and a closed connection; {@link io.dynagate.http.ExchangeWatch} answers an unknown HTTP version
 * with a bare 505; {@link io.dynagate.http.HeadTimeout} closes connections whose request line and
 * headers do not arrive within {@code dynagate.http.header-timeout}. Request-line and header sizes
 * are Quarkus's limits (414, 431). {@link io.dynagate.http.ClientFaults} is where client-caused
 * faults are logged, rate-limited.
 *
 * <p>Threading: the Netty handlers run on their connection's event loop only and keep
 * unsynchronised per-connection state; the route handlers run on the request's event loop. Nothing
 * here blocks, except arming the listeners at start, which runs on a worker thread.
 */
package io.dynagate.http;
