package io.dynagate.oauth;

import io.dynagate.crypto.Secret;

/**
 * A consent under way: which connection, the PKCE verifier that goes with its state, and the admin
 * principal who started it (the audit record of the completed consent names it).
 */
record PendingAuthorization(String connectionId, Secret verifier, String startedBy) {}
