package io.dynagate.sandbox;

import io.dynagate.sandbox.EntityStore.Row;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The emulated Dataverse Web API below {@code /api/data/v9.2/}: the service document, {@code
 * $metadata} ({@link MetadataDocument}), {@code WhoAmI}, entity set queries ({@link ODataQuery}:
 * {@code $select $filter $orderby $top $count}, paging by {@code odata.maxpagesize} and absolute
 * {@code @odata.nextLink}s), {@code set/$count}, and create, retrieve, update (upsert), delete by
 * key with ETags and {@code If-Match}/{@code If-None-Match}. Records are written at the metadata
 * level and with the annotations the request asks for ({@link Representation}, {@link EntityJson});
 * HEAD is answered as GET. Pure in-memory work that never blocks; errors come back as Dataverse
 * error responses.
 */
final class WebApi {

  static final String SERVICE_PATH = "/api/data/v9.2/";
  static final int MAX_PAGE_SIZE = 5000;

  static final UUID BUSINESS_UNIT_ID = UUID.fromString("5a1b2c3d-0000-4000-8000-00000000b001");
  static final UUID USER_ID = UUID.fromString("5a1b2c3d-0000-4000-8000-00000000a001");
  static final UUID ORGANIZATION_ID = UUID.fromString("5a1b2c3d-0000-4000-8000-00000000c001");

  private static final Pattern RESOURCE =
      Pattern.compile("([^/(]+)(?:\\(([^)]*)\\))?(/.*)?", Pattern.DOTALL);
  private static final Pattern GUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final EntityStore store;
  private final Payload payload;
  private final EntityJson entityJson;
  private final EntitySetQuery sets;
  private final Supplier<String> baseUrl;

  WebApi(EntityStore store, Supplier<String> baseUrl) {
    this.store = store;
    this.payload = new Payload(store);
    this.entityJson = new EntityJson(store);
    this.baseUrl = baseUrl;
    this.sets = new EntitySetQuery(store, entityJson, this::serviceRoot);
  }

  /** {@code http://localhost:PORT}: the organization URL of the emulated environment. */
  String baseUrl() {
    return baseUrl.get();
  }

  /** {@code {baseUrl}/api/data/v9.2/}. */
  String serviceRoot() {
    return baseUrl.get() + SERVICE_PATH;
  }

  /** Answers {@code req}; HEAD is answered as GET (the HTTP edge drops the body). */
  DataResponse execute(DataRequest req) {
    try {
      return route(req.method().equals("HEAD") ? req.withMethod("GET") : req);
    } catch (DataverseException e) {
      return DataResponse.error(e);
    }
  }

  private DataResponse route(DataRequest req) {
    String path = QueryString.decode(req.path().replace("+", "%2B"));
    switch (path) {
      case "" -> {
        return serviceDocument(req);
      }
      case "WhoAmI", "WhoAmI()" -> {
        return whoAmI(req, path);
      }
      case "$metadata" -> {
        if (!req.method().equals("GET")) {
          throw DataverseException.methodNotAllowed(req.method());
        }
        return DataResponse.text(200, MetadataDocument.CONTENT_TYPE, MetadataDocument.XML);
      }
      case "$batch" ->
          throw DataverseException.syntax("A $batch request cannot contain another $batch.");
      default -> {
        // an entity set, below
      }
    }
    Matcher m = RESOURCE.matcher(path);
    if (!m.matches()) {
      throw DataverseException.segmentNotFound(path.split("/", 2)[0]);
    }
    EntityType type =
        EntityType.bySetName(m.group(1))
            .orElseThrow(() -> DataverseException.segmentNotFound(m.group(1)));
    if (m.group(3) != null && !m.group(3).equals("/")) {
      if (m.group(2) == null && m.group(3).equals("/$count")) {
        return sets.count(req, type);
      }
      throw DataverseException.notEmulated("the path segment '" + m.group(3) + "'");
    }
    if (m.group(2) == null) {
      return switch (req.method()) {
        case "GET" -> sets.query(req, type);
        case "POST" -> create(req, type);
        default -> throw DataverseException.methodNotAllowed(req.method());
      };
    }
    UUID id = key(type, m.group(2));
    return switch (req.method()) {
      case "GET" -> retrieve(req, type, id);
      case "PATCH" -> update(req, type, id);
      case "DELETE" -> delete(req, type, id);
      default -> throw DataverseException.methodNotAllowed(req.method());
    };
  }

  private DataResponse serviceDocument(DataRequest req) {
    if (!req.method().equals("GET")) {
      throw DataverseException.methodNotAllowed(req.method());
    }
    Representation rep = req.representation();
    JsonArray sets = new JsonArray();
    EntityType.ALL.forEach(
        t ->
            sets.add(
                new JsonObject()
                    .put("name", t.setName())
                    .put("kind", "EntitySet")
                    .put("url", t.setName())));
    JsonObject body = new JsonObject();
    if (rep.control()) {
      body.put("@odata.context", serviceRoot() + "$metadata");
    }
    return DataResponse.json(200, body.put("value", sets), rep.level());
  }

  private DataResponse whoAmI(DataRequest req, String path) {
    if (!req.method().equals("GET")) {
      // WhoAmI is a function: Dataverse answers other methods with this 404.
      throw DataverseException.noResource(serviceRoot() + path);
    }
    Representation rep = req.representation();
    JsonObject body = new JsonObject();
    if (rep.control()) {
      body.put(
          "@odata.context",
          serviceRoot() + "$metadata#" + EntityType.NAMESPACE + ".WhoAmIResponse");
    }
    if (rep.full()) {
      body.put("@odata.type", "#" + EntityType.NAMESPACE + ".WhoAmIResponse");
    }
    guid(body, rep, "BusinessUnitId", BUSINESS_UNIT_ID);
    guid(body, rep, "UserId", USER_ID);
    guid(body, rep, "OrganizationId", ORGANIZATION_ID);
    return DataResponse.json(200, body, rep.level());
  }

  private static void guid(JsonObject body, Representation rep, String name, UUID value) {
    if (rep.full()) {
      body.put(name + "@odata.type", "#Guid");
    }
    body.put(name, value.toString());
  }

  private DataResponse retrieve(DataRequest req, EntityType type, UUID id) {
    Optional<List<String>> select = ODataQuery.selectOnly(req.params(), type);
    Row row = store.get(type, id).orElseThrow(() -> DataverseException.recordNotFound(type, id));
    String ifNoneMatch = req.headers().get("If-None-Match");
    if (ifNoneMatch != null && etagMatches(ifNoneMatch, row)) {
      return DataResponse.empty(304).with("ETag", row.etag());
    }
    Representation rep = req.representation();
    return DataResponse.json(200, entity(type, row, select, rep), rep.level())
        .with("ETag", row.etag())
        .preferenceApplied(rep.applied().stream().toList());
  }

  private DataResponse create(DataRequest req, EntityType type) {
    JsonObject body = Payload.object(req.body(), type);
    UUID id = Payload.keyOf(type, body).orElseGet(UUID::randomUUID);
    if (store.get(type, id).isPresent()) {
      throw DataverseException.duplicate();
    }
    JsonObject values = payload.apply(type, id, new JsonObject(), body);
    return written(req, type, store.put(type, id, values), true);
  }

  /** PATCH: update, or upsert when the record is missing and no {@code If-Match} is sent. */
  private DataResponse update(DataRequest req, EntityType type, UUID id) {
    JsonObject body = Payload.object(req.body(), type);
    Optional<Row> current = store.get(type, id);
    String ifMatch = req.headers().get("If-Match");
    if (ifMatch != null) {
      Row row = current.orElseThrow(() -> DataverseException.recordNotFound(type, id));
      if (!etagMatches(ifMatch, row)) {
        throw DataverseException.versionMismatch();
      }
    }
    String ifNoneMatch = req.headers().get("If-None-Match");
    if (ifNoneMatch != null && ifNoneMatch.trim().equals("*") && current.isPresent()) {
      throw DataverseException.duplicate();
    }
    JsonObject base = current.map(Row::values).orElseGet(JsonObject::new);
    JsonObject values = payload.apply(type, id, base, body);
    return written(req, type, store.put(type, id, values), current.isEmpty());
  }

  private DataResponse delete(DataRequest req, EntityType type, UUID id) {
    Row row = store.get(type, id).orElseThrow(() -> DataverseException.recordNotFound(type, id));
    String ifMatch = req.headers().get("If-Match");
    if (ifMatch != null && !etagMatches(ifMatch, row)) {
      throw DataverseException.versionMismatch();
    }
    store.delete(type, id);
    return DataResponse.empty(204);
  }

  private DataResponse written(DataRequest req, EntityType type, Row row, boolean created) {
    String entityId = serviceRoot() + type.setName() + "(" + row.id() + ")";
    if (!req.prefer().returnRepresentation()) {
      return DataResponse.empty(204).with("OData-EntityId", entityId);
    }
    Optional<List<String>> select = ODataQuery.selectOnly(req.params(), type);
    Representation rep = req.representation();
    List<String> applied = new ArrayList<>(List.of("return=representation"));
    rep.applied().ifPresent(applied::add);
    DataResponse response =
        DataResponse.json(created ? 201 : 200, entity(type, row, select, rep), rep.level())
            .with("OData-EntityId", entityId)
            .with("ETag", row.etag())
            .preferenceApplied(applied);
    return created ? response.with("Location", entityId) : response;
  }

  /** {@code {root}$metadata#set(select)[/$entity]}. */
  static String context(
      String serviceRoot, EntityType type, Optional<List<String>> select, boolean entity) {
    return serviceRoot
        + "$metadata#"
        + type.setName()
        + select.map(s -> "(" + String.join(",", s) + ")").orElse("")
        + (entity ? "/$entity" : "");
  }

  /** One record with its {@code @odata.context} (unless {@code odata.metadata=none}). */
  private JsonObject entity(
      EntityType type, Row row, Optional<List<String>> select, Representation rep) {
    JsonObject body = new JsonObject();
    if (rep.control()) {
      body.put("@odata.context", context(serviceRoot(), type, select, true));
    }
    return body.mergeIn(entityJson.write(type, row, select, rep, serviceRoot()));
  }

  private static boolean etagMatches(String header, Row row) {
    for (String candidate : header.split(",")) {
      String tag = candidate.trim();
      if (tag.equals("*") || tag.equals(row.etag())) {
        return true;
      }
    }
    return false;
  }

  private static UUID key(EntityType type, String text) {
    String value = text.trim();
    if (value.startsWith(type.keyName() + "=")) {
      value = value.substring(type.keyName().length() + 1).trim();
    }
    if (GUID.matcher(value).matches()) {
      return UUID.fromString(value);
    }
    if (value.contains("=") || value.contains("'")) {
      throw DataverseException.notEmulated("alternate keys");
    }
    throw DataverseException.syntax("Bad Request - Error in query syntax.");
  }
}
