/**
 * Declarative provisioning (README "Declarative provisioning"): connections, grants and API-key
 * hashes from a YAML or JSON file, applied idempotently at every start through the registry
 * services ({@code connection}, {@code grant}, {@code apikey}), never their repositories.
 *
 * <p>Threading: the file is read and checked on the start thread (blocking file reads, before the
 * gateway serves); the apply is a Mutiny chain on a Vert.x context, awaited by the start thread for
 * the first attempt and driven by Vert.x timers for retries. Nothing here runs on a request path.
 */
package io.dynagate.provisioning;
