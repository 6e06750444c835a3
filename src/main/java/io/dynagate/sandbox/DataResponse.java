package io.dynagate.sandbox;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One Web API response, written to HTTP or into a {@code $batch} response.
 *
 * @param status HTTP status
 * @param headers response headers ({@code OData-Version} included)
 * @param body response body, empty for none
 */
record DataResponse(int status, MultiMap headers, Buffer body) {

  static DataResponse json(int status, JsonObject body) {
    return json(status, body, Representation.Level.MINIMAL);
  }

  /** A JSON body whose Content-Type names the metadata level it was written at. */
  static DataResponse json(int status, JsonObject body, Representation.Level level) {
    MultiMap headers = baseHeaders().set("Content-Type", level.contentType());
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

  /** Adds one {@code Preference-Applied} header listing {@code applied}, if any. */
  DataResponse preferenceApplied(List<String> applied) {
    return applied.isEmpty() ? this : with("Preference-Applied", String.join(",", applied));
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
