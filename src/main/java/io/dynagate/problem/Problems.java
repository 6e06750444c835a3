package io.dynagate.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;

/** Writes problems, for JAX-RS resources and for plain Vert.x routes alike. */
public final class Problems {
  /** Media type of gateway-made errors (always on the admin API). */
  public static final String MEDIA_TYPE = "application/problem+json";

  /**
   * Media type of gateway-made errors on the proxy path unless the caller asks for {@link
   * #MEDIA_TYPE}: Dataverse clients read an error body only when it is {@code application/json}.
   */
  public static final String PROXY_MEDIA_TYPE = "application/json";

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

  /**
   * Ends a Vert.x response with the problem; used outside the JAX-RS layer.
   *
   * @param mediaType {@link #MEDIA_TYPE} or {@link #PROXY_MEDIA_TYPE} (see {@link #proxyMediaType})
   */
  public static void write(
      HttpServerResponse response, GatewayProblem p, String requestId, String mediaType) {
    response
        .setStatusCode(p.code().status())
        .putHeader("Content-Type", mediaType)
        .putHeader(ERROR_HEADER, p.code().code());
    p.retryAfterSeconds().ifPresent(s -> response.putHeader("Retry-After", String.valueOf(s)));
    response.end(json(ProblemBody.of(p, requestId)));
  }

  /**
   * The media type of a proxy-path error: {@link #MEDIA_TYPE} when one of the caller's {@code
   * Accept} headers names it, else {@link #PROXY_MEDIA_TYPE}.
   */
  public static String proxyMediaType(List<String> accept) {
    for (String value : accept) {
      if (value.toLowerCase(Locale.ROOT).contains(MEDIA_TYPE)) {
        return MEDIA_TYPE;
      }
    }
    return PROXY_MEDIA_TYPE;
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
