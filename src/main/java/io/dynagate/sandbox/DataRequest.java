package io.dynagate.sandbox;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * One Web API request, from HTTP or from inside a {@code $batch}.
 *
 * @param method HTTP method, upper case
 * @param path raw path below the service root ({@code accounts(…)}), no leading slash
 * @param rawQuery raw query string, null when absent
 * @param headers request headers
 * @param body request body, empty when absent
 */
record DataRequest(String method, String path, String rawQuery, MultiMap headers, Buffer body) {

  /** The same request with another method. */
  DataRequest withMethod(String other) {
    return new DataRequest(other, path, rawQuery, headers, body);
  }

  List<QueryString.Param> params() {
    return QueryString.parse(rawQuery);
  }

  Prefer prefer() {
    return Prefer.of(headers);
  }

  /** The metadata level and annotations the response should carry. */
  Representation representation() {
    return Representation.of(headers, prefer());
  }
}
