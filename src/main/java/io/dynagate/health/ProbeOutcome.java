package io.dynagate.health;

import java.util.Locale;

/** What one {@code WhoAmI} probe found. */
enum ProbeOutcome {
  /** 2xx. */
  OK,
  /** 401/403 after one token refresh and retry: the IdP issues tokens, Dataverse refuses them. */
  REJECTED,
  /** 429: Dataverse holds the connection; not a failure. */
  THROTTLED,
  /** 5xx, another unexpected status, unreachable, timeout. */
  ERROR,
  /** No token could be obtained (the token layer's state says why). */
  NO_TOKEN;

  /** The outcome as metrics, the status hash and the status endpoint name it. */
  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static ProbeOutcome ofStatus(int status) {
    if (status >= 200 && status < 300) {
      return OK;
    }
    if (status == 401 || status == 403) {
      return REJECTED;
    }
    return status == 429 ? THROTTLED : ERROR;
  }
}
