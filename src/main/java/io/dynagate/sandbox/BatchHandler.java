package io.dynagate.sandbox;

import io.dynagate.sandbox.Multipart.HttpMessage;
import io.dynagate.sandbox.Multipart.Part;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /api/data/v9.2/$batch}: runs each request of a {@code multipart/mixed} batch through
 * {@link WebApi} and answers {@code multipart/mixed}. Change sets are atomic (a failure undoes the
 * set and is answered alone), may not hold GETs, and may reference an earlier request's record as
 * {@code $<Content-ID>} in the URL or an {@code @odata.bind} value. The batch stops at the first
 * failure unless {@code Prefer: odata.continue-on-error}. Each part is a request of its own, with
 * its own headers ({@code Prefer}, {@code Accept}), so annotations, metadata levels, {@code
 * $count}, {@code $orderby} and paging work in parts as outside; its answer keeps its {@code
 * OData-EntityId} and {@code Location}. A HEAD part is answered 405 (a HEAD in a change set makes
 * the batch a 400, as a GET does).
 */
final class BatchHandler {

  static final int MAX_REQUESTS = 1000;

  /** A top-level batch item. */
  private sealed interface Item permits Single, ChangeSet {}

  private record Single(Optional<String> contentId, HttpMessage message) implements Item {}

  private record ChangeSet(List<Single> requests) implements Item {}

  private final WebApi api;
  private final EntityStore store;

  BatchHandler(WebApi api, EntityStore store) {
    this.api = api;
    this.store = store;
  }

  DataResponse execute(DataRequest batch) {
    try {
      if (!batch.method().equals("POST")) {
        throw DataverseException.methodNotAllowed(batch.method());
      }
      return run(parse(batch), batch.prefer().continueOnError());
    } catch (DataverseException e) {
      return DataResponse.error(e);
    }
  }

  private static List<Item> parse(DataRequest batch) {
    String boundary =
        Multipart.boundary(batch.headers().get("Content-Type"))
            .orElseThrow(
                () ->
                    DataverseException.syntax(
                        "A $batch request needs 'Content-Type: multipart/mixed;"
                            + " boundary=batch_…'."));
    List<Item> items = new ArrayList<>();
    int count = 0;
    for (Part part : Multipart.parts(batch.body().toString(StandardCharsets.UTF_8), boundary)) {
      Optional<String> changeSetBoundary = Multipart.boundary(part.headers().get("Content-Type"));
      if (changeSetBoundary.isPresent()) {
        List<Single> requests = new ArrayList<>();
        for (Part inner : Multipart.parts(part.content(), changeSetBoundary.get())) {
          Single single = single(inner);
          String method = single.message().method();
          if (method.equals("GET") || method.equals("HEAD")) {
            throw DataverseException.syntax(
                "A change set cannot contain a " + method + " request.");
          }
          requests.add(single);
        }
        items.add(new ChangeSet(requests));
        count += requests.size();
      } else {
        items.add(single(part));
        count++;
      }
      if (count > MAX_REQUESTS) {
        throw DataverseException.syntax(
            "The number of requests in a batch cannot exceed " + MAX_REQUESTS + ".");
      }
    }
    return items;
  }

  private static Single single(Part part) {
    String contentType = part.headers().get("Content-Type");
    if (Multipart.boundary(contentType).isPresent()) {
      throw DataverseException.syntax("Change sets cannot be nested.");
    }
    if (contentType == null
        || !contentType.trim().toLowerCase(Locale.ROOT).startsWith("application/http")) {
      throw DataverseException.syntax("Each batch part needs 'Content-Type: application/http'.");
    }
    return new Single(
        Optional.ofNullable(part.headers().get("Content-ID")), Multipart.request(part.content()));
  }

  private DataResponse run(List<Item> items, boolean continueOnError) {
    String boundary = "batchresponse_" + UUID.randomUUID();
    StringBuilder out = new StringBuilder();
    for (Item item : items) {
      boolean failed;
      if (item instanceof Single single) {
        DataResponse response = executeOne(single, Map.of());
        appendResponse(out, boundary, single.contentId(), response);
        failed = response.status() >= 400;
      } else {
        failed = runChangeSet((ChangeSet) item, out, boundary);
      }
      if (failed && !continueOnError) {
        break;
      }
    }
    out.append("--").append(boundary).append("--\r\n");
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .set("OData-Version", "4.0")
            .set("Content-Type", "multipart/mixed; boundary=" + boundary);
    if (continueOnError) {
      headers.set("Preference-Applied", "odata.continue-on-error");
    }
    return new DataResponse(200, headers, Buffer.buffer(out.toString()));
  }

  /** Runs a change set; returns true when it failed (and was undone). */
  private boolean runChangeSet(ChangeSet changeSet, StringBuilder out, String boundary) {
    EntityStore.Snapshot snapshot = store.snapshot();
    Map<String, String> entities = new HashMap<>();
    List<DataResponse> responses = new ArrayList<>();
    for (Single single : changeSet.requests()) {
      DataResponse response = executeOne(single, entities);
      if (response.status() >= 400) {
        store.restore(snapshot);
        appendResponse(out, boundary, single.contentId(), response);
        return true;
      }
      responses.add(response);
      single.contentId().ifPresent(id -> entityPath(response).ifPresent(p -> entities.put(id, p)));
    }
    String changeSetBoundary = "changesetresponse_" + UUID.randomUUID();
    out.append("--")
        .append(boundary)
        .append("\r\nContent-Type: multipart/mixed; boundary=")
        .append(changeSetBoundary)
        .append("\r\n\r\n");
    for (int i = 0; i < responses.size(); i++) {
      appendResponse(
          out, changeSetBoundary, changeSet.requests().get(i).contentId(), responses.get(i));
    }
    out.append("--").append(changeSetBoundary).append("--\r\n");
    return false;
  }

  private DataResponse executeOne(Single single, Map<String, String> entities) {
    try {
      if (single.message().method().equals("HEAD")) {
        throw DataverseException.notInBatch("HEAD");
      }
      return api.execute(toRequest(single.message(), entities));
    } catch (DataverseException e) {
      return DataResponse.error(e);
    }
  }

  /** The part's request with its target made relative to the service root. */
  private DataRequest toRequest(HttpMessage message, Map<String, String> entities) {
    String target = message.target();
    if (target.startsWith("$")) {
      int end = indexOfAny(target, "/?");
      String ref = target.substring(1, end);
      String path = entities.get(ref);
      if (path == null) {
        throw DataverseException.syntax(
            "The Content-ID reference '$" + ref + "' does not name an earlier request.");
      }
      target = path + target.substring(end);
    } else if (target.startsWith("http://") || target.startsWith("https://")) {
      int pathStart = target.indexOf('/', target.indexOf("://") + 3);
      target = pathStart < 0 ? "/" : target.substring(pathStart);
    }
    String serviceRoot = WebApi.SERVICE_PATH;
    if (target.startsWith("/")) {
      if (target.equals(serviceRoot.substring(0, serviceRoot.length() - 1))) {
        target = "";
      } else if (target.startsWith(serviceRoot)) {
        target = target.substring(serviceRoot.length());
      } else {
        throw DataverseException.noResource(target);
      }
    }
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    String rawQuery = query < 0 ? null : target.substring(query + 1);
    Buffer body = Buffer.buffer(resolveBinds(message.body(), entities));
    return new DataRequest(message.method(), path, rawQuery, message.headers(), body);
  }

  /** Replaces {@code "nav@odata.bind": "$1"} with the path of the record Content-ID 1 wrote. */
  private static String resolveBinds(String body, Map<String, String> entities) {
    if (entities.isEmpty() || body.isBlank()) {
      return body;
    }
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (DecodeException e) {
      return body; // the Web API reports the malformed body
    }
    boolean changed = false;
    for (String name : new ArrayList<>(json.fieldNames())) {
      if (name.endsWith("@odata.bind")
          && json.getValue(name) instanceof String ref
          && ref.startsWith("$")
          && entities.containsKey(ref.substring(1))) {
        json.put(name, "/" + entities.get(ref.substring(1)));
        changed = true;
      }
    }
    return changed ? json.encode() : body;
  }

  private Optional<String> entityPath(DataResponse response) {
    String entityId = response.headers().get("OData-EntityId");
    String root = api.serviceRoot();
    return entityId != null && entityId.startsWith(root)
        ? Optional.of(entityId.substring(root.length()))
        : Optional.empty();
  }

  private static void appendResponse(
      StringBuilder out, String boundary, Optional<String> contentId, DataResponse response) {
    out.append("--").append(boundary).append("\r\n");
    out.append("Content-Type: application/http\r\n");
    out.append("Content-Transfer-Encoding: binary\r\n");
    contentId.ifPresent(id -> out.append("Content-ID: ").append(id).append("\r\n"));
    out.append("\r\n");
    out.append("HTTP/1.1 ")
        .append(response.status())
        .append(' ')
        .append(HttpResponseStatus.valueOf(response.status()).reasonPhrase())
        .append("\r\n");
    response
        .headers()
        .forEach(h -> out.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n"));
    out.append("\r\n");
    out.append(response.body().toString(StandardCharsets.UTF_8)).append("\r\n");
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return s.length();
  }
}
