package io.dynagate.store;

import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A PostgreSQL call: each {@code Uni}-returning method so marked (or of a class so marked) fails
 * with a {@link java.util.concurrent.TimeoutException} (503) when it has not ended within {@code
 * dynagate.store.query-timeout}.
 *
 * <p>The pool's own bounds do not end a statement on a partitioned link: Vert.x's PostgreSQL client
 * closes a connection gracefully (it sends Terminate and waits for the server to close), so the
 * read-idle close waits for a server that cannot answer. The bound here is what ends the call;
 * cancelling it closes the Hibernate session, and the link is closed once the server is reachable
 * again.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Bounded {}
