package io.dynagate.connection;

import io.dynagate.crypto.Secret;

/** A decrypted secret with the row version it was read at (for compare-and-set updates). */
public record StoredSecret(Secret value, long version) {}
