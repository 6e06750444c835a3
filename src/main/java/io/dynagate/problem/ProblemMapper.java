package io.dynagate.problem;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.dynagate.observability.WarnLimiter;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Maps every failure in the REST layer to {@code application/problem+json}. Exception messages and
 * class names never reach the caller.
 */
public class ProblemMapper {
  private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

  // a store that is away fails every request that needs it: one WARN per 10 s says so
  private static final WarnLimiter STORE_WARNINGS = new WarnLimiter(Duration.ofSeconds(10));

  @ServerExceptionMapper
  public Response problem(GatewayProblem p, HttpServerRequest request) {
    return Problems.response(p, Problems.requestId(request));
  }

  @ServerExceptionMapper({
    UnauthorizedException.class,
    AuthenticationFailedException.class,
    AuthenticationCompletionException.class
  })
  public Response unauthenticated(Throwable e, HttpServerRequest request) {
    return Problems.response(
        GatewayProblem.of(ProblemCode.UNAUTHENTICATED, unauthenticatedDetail(e)),
        Problems.requestId(request));
  }

  /** The detail of a 401: the refused credential's own when it has one. */
  static String unauthenticatedDetail(Throwable e) {
    return SafeDetail.of(e, "A valid X-Api-Key or bearer token is required.");
  }

  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e, HttpServerRequest request) {
    return Problems.response(
        GatewayProblem.of(ProblemCode.FORBIDDEN, "This caller may not use this operation."),
        Problems.requestId(request));
  }

  // Quarkus REST maps the concrete Jackson types itself (400, empty body); naming each concrete
  // type here makes ours the most specific mapper, so every JSON failure is a problem document.
  @ServerExceptionMapper({
    JsonProcessingException.class,
    JsonParseException.class,
    JsonMappingException.class,
    MismatchedInputException.class,
    UnrecognizedPropertyException.class,
    InvalidFormatException.class,
    ValueInstantiationException.class,
    InvalidTypeIdException.class
  })
  public Response json(JsonProcessingException e, HttpServerRequest request) {
    return Problems.response(JsonProblems.from(e), Problems.requestId(request));
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e, HttpServerRequest request) {
    int status = e.getResponse().getStatus();
    ProblemCode code =
        switch (status) {
          case 401 -> ProblemCode.UNAUTHENTICATED;
          case 403 -> ProblemCode.FORBIDDEN;
          case 404 -> ProblemCode.NOT_FOUND;
          case 405 -> ProblemCode.METHOD_NOT_ALLOWED;
          case 406 -> ProblemCode.NOT_ACCEPTABLE;
          case 413 -> ProblemCode.PAYLOAD_TOO_LARGE;
          case 415 -> ProblemCode.UNSUPPORTED_MEDIA_TYPE;
          default -> status >= 500 ? ProblemCode.INTERNAL_ERROR : ProblemCode.BAD_REQUEST;
        };
    if (status >= 500) {
      LOG.errorf(e, "request failed: %s", e.getClass().getSimpleName());
    }
    return Problems.response(
        GatewayProblem.of(code, code.title() + "."), Problems.requestId(request));
  }

  @ServerExceptionMapper
  public Response unexpected(Throwable e, HttpServerRequest request) {
    if (StoreUnavailable.matches(e)) {
      if (STORE_WARNINGS.admit()) {
        LOG.warnf(
            "store unreachable: %s (%d more since the last such line; each logs at DEBUG)",
            e.getClass().getName(), STORE_WARNINGS.suppressed());
      } else {
        LOG.debugf("store unreachable: %s", e.getClass().getName());
      }
      return Problems.response(StoreUnavailable.problem(), Problems.requestId(request));
    }
    if (request != null && request.response().closed()) {
      // the caller closed or reset its connection mid-request; nobody is left to answer, and a
      // caller must not be able to write ERROR lines at will
      LOG.debugf("request abandoned by the caller: %s", e.getClass().getName());
    } else {
      LOG.errorf(e, "unexpected failure: %s", e.getClass().getName());
    }
    return Problems.response(
        GatewayProblem.of(ProblemCode.INTERNAL_ERROR, "The gateway failed unexpectedly."),
        Problems.requestId(request));
  }
}
