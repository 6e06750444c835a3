package io.dynagate.sandbox;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * One Web API response, written to HTTP or into a {@code $batch} response.
 *
 * @param status HTTP status
 * @param headers response headers ({@code OData-Version} included)
 * @param body response body, empty for none
 */
record DataResponse(int status, MultiMap headers, Buffer body) {

  static final String JSON = "application/json; odata.metadata=minimal";

  static DataResponse json(int status, JsonObject body) {
    MultiMap headers = baseHeaders().set("Content-Type", JSON);
    return new DataResponse(status, headers, Buffer.buffer(body.encode()));
  }

  /** A text body ({@code text/plain}, {@code application/xml}) in UTF-8. */
  static DataResponse text(int status, String contentType, String body) {
    MultiMap headers = baseHeaders().set("Content-Type", contentType);
    return new DataResponse(status, headers, Buffer.buffer(body));
  }

  static DataResponse empty(int status) {
    return new DataResponse(status, baseHeaders(), Buffer.buffer());
  }

  static DataResponse error(DataverseException e) {
    return json(e.status(), e.toJson());
  }

  /** Adds a header and returns this response. */
  DataResponse with(String name, String value) {
    headers.add(name, value);
    return this;
  }

  private static MultiMap baseHeaders() {
    return MultiMap.caseInsensitiveMultiMap().set("OData-Version", "4.0");
  }
}
