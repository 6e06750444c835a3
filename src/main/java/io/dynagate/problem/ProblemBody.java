package io.dynagate.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The problem document (RFC 9457) with the gateway's extensions, plus {@code error} in the shape of
 * Dataverse's own errors ({@code {"error":{"code","message"}}}) so that OData clients, which read
 * only that member, show the gateway's message (contract section 4).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ProblemBody(
    String type,
    String title,
    int status,
    String code,
    String detail,
    String requestId,
    List<FieldError> errors,
    ErrorMember error) {

  /**
   * The Dataverse-shaped member: {@code code} is {@code dynagate.<code>}, {@code message} the
   * detail.
   */
  public record ErrorMember(String code, String message) {}

  public static ProblemBody of(GatewayProblem p, String requestId) {
    return new ProblemBody(
        "urn:dynagate:problem:" + p.code().code(),
        p.code().title(),
        p.code().status(),
        p.code().code(),
        p.detail(),
        requestId,
        p.errors(),
        new ErrorMember("dynagate." + p.code().code(), p.detail()));
  }
}
