package io.dynagate.access;

import io.dynagate.problem.SafeDetail;
import io.quarkus.security.AuthenticationFailedException;

/**
 * Why a request's credentials were refused, when the caller can act on it (two credentials that
 * disagree, a header sent twice): the cause of the {@link AuthenticationFailedException} (401),
 * with a fixed detail that never echoes a header value.
 */
final class CredentialRefused extends RuntimeException implements SafeDetail {
  private static final long serialVersionUID = 1L;

  private final String detail;

  private CredentialRefused(String detail) {
    super(detail, null, false, false);
    this.detail = detail;
  }

  /** The 401 failure to answer with. */
  static AuthenticationFailedException failure(String detail) {
    return new AuthenticationFailedException(detail, new CredentialRefused(detail));
  }

  @Override
  public String detail() {
    return detail;
  }
}
