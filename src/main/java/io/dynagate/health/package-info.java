/**
 * Connection health: the {@code WhoAmI} probe under a fleet-wide Redis lease, the per-connection
 * gauges ({@code dynagate_connection_state}, {@code _up}, {@code dynagate_token_expiry_seconds}),
 * and state-change events (one log line on {@code io.dynagate.events}, a counter, signed webhooks).
 *
 * <p>Dependencies: imports {@code token}, {@code connection}, {@code fleet}, {@code observability},
 * {@code config}, {@code problem}; nothing imports it (it listens to CDI events the token and
 * connection layers fire: {@code TokenStateTouched}, {@code ConnectionChanged}).
 *
 * <p>Threading: all work runs on Vert.x contexts (a new duplicated context per step, so it never
 * shares a Hibernate session with a request) and never blocks: timers for rounds, turns and webhook
 * back-off, the reactive Redis, PostgreSQL and HTTP clients.
 */
package io.dynagate.health;
