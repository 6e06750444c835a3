package io.dynagate.sandbox;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * The last {@value #CAPACITY} data API requests as they arrived, so tests can check what reached
 * "Dataverse". Header names are lower-cased; the values are kept as sent (tokens included: this is
 * an emulator holding its own test tokens).
 */
public final class RequestLog {

  static final int CAPACITY = 50;

  private final Deque<JsonObject> entries = new ArrayDeque<>();

  synchronized void record(String method, String path, String query, MultiMap headers) {
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
            .put("headers", byName));
    while (entries.size() > CAPACITY) {
      entries.removeFirst();
    }
  }

  /** Oldest first: {@code [{"method":…,"path":…,"query":…,"headers":{name:[values]}}]}. */
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
