package io.dynagate.oauth;

import io.dynagate.crypto.Secret;

/** A consent under way: which connection, and the PKCE verifier that goes with its state. */
record PendingAuthorization(String connectionId, Secret verifier) {}
