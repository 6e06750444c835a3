package io.dynagate.token;

import java.util.Set;

/**
 * The {@code reason} tag of {@code dynagate_token_fetch_failures_total}: an IdP's {@code error} is
 * free text as far as the gateway knows, so only registered values (RFC 6749, OpenID Connect and
 * Entra ID's own) become tags; the rest is {@code other}. Keeps the label set bounded whatever a
 * token endpoint answers.
 */
final class FailureReasons {
  private FailureReasons() {}

  private static final Set<String> KNOWN =
      Set.of(
          "invalid_request",
          "invalid_client",
          "invalid_grant",
          "unauthorized_client",
          "unsupported_grant_type",
          "invalid_scope",
          "access_denied",
          "interaction_required",
          "consent_required",
          "login_required",
          "server_error",
          "temporarily_unavailable",
          "unreachable",
          "no_client_secret",
          "no_refresh_token");

  static String of(IdpError e) {
    String error = e.error();
    if (error == null) {
      return "other";
    }
    if (KNOWN.contains(error)) {
      return error;
    }
    if (error.startsWith("http_4")) {
      return "http_4xx";
    }
    if (error.startsWith("http_5")) {
      return "http_5xx";
    }
    return "other";
  }
}
