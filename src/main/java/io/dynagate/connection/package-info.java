/**
 * The connection registry (contract section 3): connections and their encrypted secrets, and the
 * re-encryption of those secrets after an encryption-key rotation. Imports {@code crypto} and
 * {@code problem} only.
 */
package io.dynagate.connection;
