package io.dynagate.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The {@code application/problem+json} body (RFC 9457) with the gateway's extensions. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ProblemBody(
    String type,
    String title,
    int status,
    String code,
    String detail,
    String requestId,
    List<FieldError> errors) {

  public static ProblemBody of(GatewayProblem p, String requestId) {
    return new ProblemBody(
        "urn:dynagate:problem:" + p.code().code(),
        p.code().title(),
        p.code().status(),
        p.code().code(),
        p.detail(),
        requestId,
        p.errors());
  }
}
