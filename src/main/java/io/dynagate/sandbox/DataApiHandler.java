package io.dynagate.sandbox;

import io.dynagate.sandbox.TokenStore.TokenCheck;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The HTTP edge of the emulated Web API, in this order: count and log the request, wait {@code
 * latencyMs} (a timer), answer 401 for {@code fail401Next}, check the bearer token (401), answer
 * 403 while {@code rejectDataApi} is set, 429 for {@code fail429Next}, 500 for {@code fail500Next},
 * then hand over to {@link WebApi} or {@link BatchHandler}. A HEAD request gets the answer a GET
 * would, without its body.
 */
final class DataApiHandler {

  private final Vertx vertx;
  private final WebApi api;
  private final BatchHandler batch;
  private final TokenStore tokens;
  private final Knobs knobs;
  private final SandboxStats stats;
  private final RequestLog log;

  DataApiHandler(
      Vertx vertx,
      WebApi api,
      BatchHandler batch,
      TokenStore tokens,
      Knobs knobs,
      SandboxStats stats,
      RequestLog log) {
    this.vertx = vertx;
    this.api = api;
    this.batch = batch;
    this.tokens = tokens;
    this.knobs = knobs;
    this.stats = stats;
    this.log = log;
  }

  void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    stats.countDataRequest();
    log.record(
        request.method().name(),
        request.path(),
        request.query(),
        request.headers(),
        ctx.body().buffer());
    long latency = knobs.latencyMs();
    if (latency > 0) {
      vertx.setTimer(latency, id -> process(ctx));
    } else {
      process(ctx);
    }
  }

  private void process(RoutingContext ctx) {
    if (ctx.response().closed()) {
      return;
    }
    if (knobs.takeFail401()) {
      unauthorized(ctx, "The access token is expired or invalid. (sandbox knob fail401Next)");
      return;
    }
    TokenCheck check = tokens.check(bearer(ctx.request().headers()));
    if (check != TokenCheck.VALID) {
      unauthorized(
          ctx,
          check == TokenCheck.EXPIRED
              ? "The access token has expired. Acquire a new access token."
              : "The request requires a valid bearer access token issued for this environment.");
      return;
    }
    if (knobs.rejectDataApi()) {
      write(
          ctx,
          DataResponse.json(
              403,
              DataverseException.body(
                  DataverseException.USER_DISABLED,
                  "The user with SystemUserId=00000000-0000-0000-0000-000000000000 is disabled."
                      + " (sandbox knob rejectDataApi)")));
      return;
    }
    if (knobs.takeFail429()) {
      throttled(ctx);
      return;
    }
    if (knobs.takeFail500()) {
      write(
          ctx,
          DataResponse.json(
              500,
              DataverseException.body(
                  DataverseException.UNEXPECTED,
                  "An unexpected error occurred. (sandbox knob fail500Next)")));
      return;
    }
    DataRequest request = toDataRequest(ctx);
    write(ctx, request.path().equals("$batch") ? batch.execute(request) : api.execute(request));
  }

  private static DataRequest toDataRequest(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String path = request.path();
    int root = path.indexOf(WebApi.SERVICE_PATH);
    String relative =
        root < 0
            ? ""
            : path.substring(Math.min(path.length(), root + WebApi.SERVICE_PATH.length()));
    Buffer body = ctx.body().buffer();
    return new DataRequest(
        request.method().name().toUpperCase(Locale.ROOT),
        relative,
        request.query(),
        request.headers(),
        body == null ? Buffer.buffer() : body);
  }

  private static String bearer(MultiMap headers) {
    String authorization = headers.get(HttpHeaders.AUTHORIZATION);
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return authorization.substring(7).trim();
  }

  private void unauthorized(RoutingContext ctx, String message) {
    DataResponse response =
        DataResponse.json(
                401, DataverseException.body(DataverseException.ACCESS_TOKEN_EXPIRED, message))
            .with(
                "WWW-Authenticate",
                "Bearer error=\"invalid_token\", error_description=\""
                    + message
                    + "\", authorization_uri=\""
                    + api.baseUrl()
                    + "/common/oauth2/v2.0/authorize\"");
    write(ctx, response);
  }

  private void throttled(RoutingContext ctx) {
    int retryAfter = knobs.retryAfterSeconds();
    DataResponse response =
        DataResponse.json(
                429,
                DataverseException.body(
                    DataverseException.THROTTLED,
                    "Number of requests exceeded the limit of 6000 over time window of 300"
                        + " seconds."))
            .with("Retry-After", Integer.toString(retryAfter))
            .with("x-ms-ratelimit-burst-remaining-xrm-requests", "0");
    write(ctx, response);
  }

  private static void write(RoutingContext ctx, DataResponse response) {
    HttpServerResponse http = ctx.response();
    if (http.closed()) {
      return;
    }
    String requestId = UUID.randomUUID().toString();
    http.setStatusCode(response.status());
    http.headers().addAll(response.headers());
    http.putHeader("REQ_ID", requestId)
        .putHeader("x-ms-service-request-id", requestId)
        // Dataverse pins clients to a web server with an affinity cookie; gateways should drop it.
        .putHeader(
            "Set-Cookie",
            "ARRAffinity="
                + HexFormat.of().formatHex(randomBytes())
                + "; Path=/; HttpOnly; Secure; SameSite=None");
    if (ctx.request().method() == HttpMethod.HEAD) {
      // the GET's status and headers, its length included, and no body
      http.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(response.body().length()));
      http.end();
    } else {
      http.end(response.body());
    }
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }
}
