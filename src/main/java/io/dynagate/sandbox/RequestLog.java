package io.dynagate.sandbox;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * The last {@value #CAPACITY} data API requests as they arrived, so tests can check what reached
 * "Dataverse". Header names are lower-cased; the values are kept as sent (tokens included: this is
 * an emulator holding its own test tokens). The body is kept as received, decoded as UTF-8, up to
 * {@value #MAX_BODY_BYTES} bytes (a {@code $batch} body as the proxy forwarded it, for instance).
 */
public final class RequestLog {

  static final int CAPACITY = 50;

  /** Bytes of a request body kept in an entry; the rest is cut. */
  static final int MAX_BODY_BYTES = 256 * 1024;

  private final Deque<JsonObject> entries = new ArrayDeque<>();

  synchronized void record(
      String method, String path, String query, MultiMap headers, Buffer body) {
    JsonObject byName = new JsonObject();
    headers.forEach(
        h -> {
          String name = h.getKey().toLowerCase(Locale.ROOT);
          JsonArray values = byName.getJsonArray(name);
          if (values == null) {
            values = new JsonArray();
            byName.put(name, values);
          }
          values.add(h.getValue());
        });
    entries.addLast(
        new JsonObject()
            .put("method", method)
            .put("path", path)
            .put("query", query)
            .put("headers", byName)
            .put("body", text(body)));
    while (entries.size() > CAPACITY) {
      entries.removeFirst();
    }
  }

  /** The first {@value #MAX_BODY_BYTES} bytes as UTF-8, not cutting a character in two. */
  static String text(Buffer body) {
    if (body == null) {
      return "";
    }
    int end = Math.min(body.length(), MAX_BODY_BYTES);
    // step back over continuation bytes (10xxxxxx) so the cut falls between two characters
    while (end < body.length() && end > 0 && (body.getByte(end) & 0xC0) == 0x80) {
      end--;
    }
    return body.getString(0, end, StandardCharsets.UTF_8.name());
  }

  /** Oldest first: {@code [{"method":…,"path":…,"query":…,"headers":{name:[values]},"body":…}]}. */
  public synchronized JsonArray toJson() {
    JsonArray array = new JsonArray();
    entries.forEach(e -> array.add(e.copy()));
    return array;
  }

  /** Forgets every entry. */
  public synchronized void clear() {
    entries.clear();
  }
}
