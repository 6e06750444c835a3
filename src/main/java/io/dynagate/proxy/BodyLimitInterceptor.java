package io.dynagate.proxy;

import io.dynagate.config.DynagateConfig;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * First check, before any I/O: a malformed {@code Content-Length} is 400 and one over {@code
 * dynagate.proxy.max-request-bytes} is 413. Creates the exchange's {@link RequestBody}, the one
 * reader of the body for everything after it.
 */
@ApplicationScoped
class BodyLimitInterceptor implements ProxyInterceptor {
  private final long maxBytes;

  BodyLimitInterceptor(DynagateConfig config) {
    this.maxBytes = config.proxy().maxRequestBytes();
  }

  @Override
  public Uni<Void> onRequest(ProxyExchange x) {
    HttpServerRequest in = x.rc.request();
    long length = contentLength(in);
    if (length > maxBytes) {
      throw tooLarge();
    }
    x.body = new RequestBody(in, length, maxBytes);
    return PASS;
  }

  static GatewayProblem tooLarge() {
    return GatewayProblem.of(ProblemCode.PAYLOAD_TOO_LARGE, "The request body is over the limit.");
  }

  private static long contentLength(HttpServerRequest in) {
    java.util.List<String> values = in.headers().getAll("Content-Length");
    if (values.isEmpty()) {
      return -1;
    }
    if (values.size() > 1) {
      throw GatewayProblem.of(ProblemCode.BAD_REQUEST, "Content-Length is given more than once.");
    }
    String value = values.get(0).trim();
    if (value.isEmpty() || value.length() > 18) {
      throw GatewayProblem.of(ProblemCode.BAD_REQUEST, "Content-Length is not a number.");
    }
    long n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw GatewayProblem.of(ProblemCode.BAD_REQUEST, "Content-Length is not a number.");
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
