package io.dynagate.access;

import io.dynagate.crypto.Secret;
import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** An {@code X-Api-Key} value to check. */
public final class ApiKeyAuthenticationRequest extends BaseAuthenticationRequest {
  private final Secret key;

  public ApiKeyAuthenticationRequest(Secret key) {
    this.key = key;
  }

  public Secret key() {
    return key;
  }
}
