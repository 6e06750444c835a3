package io.dynagate.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.stream.Collectors;

/** Turns JSON binding failures into problems that name the field but never echo its value. */
public final class JsonProblems {
  private JsonProblems() {}

  public static GatewayProblem from(JsonProcessingException e) {
    if (e instanceof UnrecognizedPropertyException u) {
      return GatewayProblem.validation(path(u), "unknown field");
    }
    if (e instanceof MismatchedInputException m) {
      String field = path(m);
      return field.isEmpty()
          ? GatewayProblem.of(ProblemCode.BAD_REQUEST, "The body must be a JSON object.")
          : GatewayProblem.validation(field, "has the wrong type or format");
    }
    if (e instanceof JsonMappingException m && !path(m).isEmpty()) {
      return GatewayProblem.validation(path(m), "has an invalid value");
    }
    return GatewayProblem.of(ProblemCode.BAD_REQUEST, "The body is not well-formed JSON.");
  }

  public static GatewayProblem bodyRequired() {
    return GatewayProblem.of(ProblemCode.BAD_REQUEST, "A JSON body is required.");
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }
}
