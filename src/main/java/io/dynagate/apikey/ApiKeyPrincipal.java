package io.dynagate.apikey;

import java.util.Set;

/** Who an accepted API key speaks for. */
public record ApiKeyPrincipal(String keyId, String principal, Set<String> roles) {}
