package io.dynagate.token;

/**
 * A token endpoint's refusal or failure, as kept for the status endpoint: the IdP's {@code error}
 * and {@code error_description} (never a secret), or a transport failure.
 */
public final class IdpError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String error;
  private final String description;
  private final boolean transientFailure;

  public IdpError(String error, String description, boolean transientFailure) {
    super(error, null, false, false);
    this.error = error;
    this.description = description;
    this.transientFailure = transientFailure;
  }

  public String error() {
    return error;
  }

  public String description() {
    return description;
  }

  /** True for failures worth retrying (IdP 5xx, timeouts, unreachable). */
  public boolean isTransient() {
    return transientFailure;
  }

  /** True when the grant itself is dead and a person must consent again. */
  public boolean isInvalidGrant() {
    return "invalid_grant".equals(error);
  }
}
