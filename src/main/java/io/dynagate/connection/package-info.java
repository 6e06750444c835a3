/**
 * The connection registry (contract section 3): connections and their encrypted secrets. Imports
 * {@code crypto} and {@code problem} only.
 */
package io.dynagate.connection;
