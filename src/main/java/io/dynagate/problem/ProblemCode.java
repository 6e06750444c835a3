package io.dynagate.problem;

import java.util.Locale;

/** Every error the gateway itself produces (contract section 4), with status and title. */
public enum ProblemCode {
  UNAUTHENTICATED(401, "Unauthenticated"),
  FORBIDDEN(403, "Forbidden"),
  CONNECTION_NOT_FOUND(404, "Connection not found"),
  NOT_FOUND(404, "Not found"),
  METHOD_NOT_ALLOWED(405, "Method not allowed"),
  NOT_ACCEPTABLE(406, "Not acceptable"),
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
  PATH_NOT_ALLOWED(400, "Path not allowed"),
  BAD_REQUEST(400, "Bad request"),
  VALIDATION_FAILED(400, "Validation failed"),
  CONFLICT(409, "Conflict"),
  PAYLOAD_TOO_LARGE(413, "Payload too large"),
  AUTHORIZATION_REQUIRED(409, "Authorization required"),
  THROTTLED(429, "Throttled"),
  TOKEN_UNAVAILABLE(503, "Token unavailable"),
  UPSTREAM_UNREACHABLE(502, "Upstream unreachable"),
  UPSTREAM_TIMEOUT(504, "Upstream timeout"),
  UNAVAILABLE(503, "Unavailable"),
  INTERNAL_ERROR(500, "Internal error");

  private final int status;
  private final String title;

  ProblemCode(int status, String title) {
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  /** The wire form, e.g. {@code connection_not_found}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
