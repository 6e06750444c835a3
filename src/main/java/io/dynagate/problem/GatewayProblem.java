package io.dynagate.problem;

import java.util.List;
import java.util.Optional;

/**
 * The one way the gateway fails a request. The detail is written to the caller, so it must never
 * contain secrets, tokens, exception messages or class names.
 */
public final class GatewayProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ProblemCode code;
  private final String detail;
  private final transient List<FieldError> errors;
  private final Long retryAfterSeconds;

  private GatewayProblem(
      ProblemCode code, String detail, List<FieldError> errors, Long retryAfterSeconds) {
    super(code.code(), null, false, false);
    this.code = code;
    this.detail = detail;
    this.errors = List.copyOf(errors);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static GatewayProblem of(ProblemCode code, String detail) {
    return new GatewayProblem(code, detail, List.of(), null);
  }

  public static GatewayProblem validation(List<FieldError> errors) {
    return new GatewayProblem(
        ProblemCode.VALIDATION_FAILED, "The request has invalid fields.", errors, null);
  }

  public static GatewayProblem validation(String field, String message) {
    return validation(List.of(new FieldError(field, message)));
  }

  public static GatewayProblem retryAfter(ProblemCode code, String detail, long seconds) {
    return new GatewayProblem(code, detail, List.of(), seconds);
  }

  public static GatewayProblem connectionNotFound() {
    return of(ProblemCode.CONNECTION_NOT_FOUND, "No such connection.");
  }

  public ProblemCode code() {
    return code;
  }

  public String detail() {
    return detail;
  }

  public List<FieldError> errors() {
    return errors;
  }

  public Optional<Long> retryAfterSeconds() {
    return Optional.ofNullable(retryAfterSeconds);
  }
}
