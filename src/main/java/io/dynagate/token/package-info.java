/**
 * Access tokens: process memory → Redis (encrypted, TTL = remaining lifetime) → token endpoint,
 * with one fetch in flight per connection in the process and a Redis lock across replicas.
 *
 * <p>Threading: everything runs on the Vert.x event loop of the request that needs the token (waits
 * use Vert.x timers, never sleeps); nothing here may block. Stored secrets are read through {@code
 * ConnectionService} (Hibernate Reactive), so a fetch must start on a Vert.x context.
 */
package io.dynagate.token;
