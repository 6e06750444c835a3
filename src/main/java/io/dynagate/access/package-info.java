/**
 * Who is calling: API keys (and later JWTs) become a Quarkus {@code SecurityIdentity} with roles
 * {@code admin} / {@code caller}. Imports {@code apikey} (and later {@code grant}).
 */
package io.dynagate.access;
