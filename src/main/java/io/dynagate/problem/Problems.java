package io.dynagate.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.core.Response;

/** Writes problems, for JAX-RS resources and for plain Vert.x routes alike. */
public final class Problems {
  /** Media type of every gateway-made error. */
  public static final String MEDIA_TYPE = "application/problem+json";

  /** Header naming the problem code on every gateway-made error. */
  public static final String ERROR_HEADER = "X-Dynagate-Error";

  /** Header carrying the request id on every response. */
  public static final String REQUEST_ID_HEADER = "X-Request-Id";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Problems() {}

  public static Response response(GatewayProblem p, String requestId) {
    Response.ResponseBuilder b =
        Response.status(p.code().status())
            .type(MEDIA_TYPE)
            .header(ERROR_HEADER, p.code().code())
            .entity(ProblemBody.of(p, requestId));
    p.retryAfterSeconds().ifPresent(s -> b.header("Retry-After", s));
    return b.build();
  }

  /** Ends a Vert.x response with the problem; used outside the JAX-RS layer. */
  public static void write(HttpServerResponse response, GatewayProblem p, String requestId) {
    response
        .setStatusCode(p.code().status())
        .putHeader("Content-Type", MEDIA_TYPE)
        .putHeader(ERROR_HEADER, p.code().code());
    p.retryAfterSeconds().ifPresent(s -> response.putHeader("Retry-After", String.valueOf(s)));
    response.end(json(ProblemBody.of(p, requestId)));
  }

  /** The request id the request-id filter put on the response. */
  public static String requestId(HttpServerRequest request) {
    return request == null ? null : request.response().headers().get(REQUEST_ID_HEADER);
  }

  static String json(ProblemBody body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("problem body not serialisable", e);
    }
  }
}
