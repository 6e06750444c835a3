package io.dynagate.sandbox;

import io.dynagate.sandbox.EntityType.ColumnKind;
import io.dynagate.sandbox.EntityType.Navigation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a create or update body into column values: checks names and types, turns {@code
 * nav@odata.bind} references into lookup values and refuses what Dataverse refuses. Bodies in JSON
 * full-metadata form are read too: a top-level {@code "@odata.type":
 * "#Microsoft.Dynamics.CRM.account"} must name the entity type of the set, {@code
 * "prop@odata.type": "#Decimal"} must name the property's type (with or without {@code #} and
 * {@code Edm.}), and other annotations are ignored, as long as they annotate a known property.
 */
final class Payload {

  private static final Pattern REFERENCE =
      Pattern.compile("(?:.*/)?([A-Za-z_][A-Za-z0-9_]*)\\(([0-9a-fA-F-]{36})\\)/?");

  private final EntityStore store;

  Payload(EntityStore store) {
    this.store = store;
  }

  /**
   * The JSON object in {@code body}.
   *
   * @throws DataverseException 400 when the body is not a JSON object
   */
  static JsonObject object(Buffer body, EntityType type) {
    if (body == null || body.length() == 0) {
      throw DataverseException.payload(type, "The request body is empty; a JSON object is needed.");
    }
    try {
      Object value = body.toJsonValue();
      if (value instanceof JsonObject json) {
        return json;
      }
    } catch (DecodeException e) {
      throw DataverseException.payload(type, "Invalid JSON. The request body could not be read.");
    }
    throw DataverseException.payload(
        type, "A JSON object was expected as the request body, but another value was found.");
  }

  /**
   * Applies {@code body} onto {@code current} (empty for a create) for the record {@code id}.
   *
   * @return the new values, key excluded
   */
  JsonObject apply(EntityType type, UUID id, JsonObject current, JsonObject body) {
    JsonObject values = current.copy();
    for (Map.Entry<String, Object> e : body) {
      String name = e.getKey();
      Object value = e.getValue();
      if (name.startsWith("@")) {
        if (name.equals("@odata.type")) {
          checkEntityType(type, value);
        }
        continue; // other instance annotations: @odata.context, @odata.id, @odata.etag, …
      }
      int at = name.indexOf('@');
      if (at > 0) {
        annotation(type, name.substring(0, at), name.substring(at + 1), value, values);
      } else if (name.equals(type.keyName())) {
        if (!(value instanceof String s) || !s.equalsIgnoreCase(id.toString())) {
          throw DataverseException.payload(
              type, "The key property '" + name + "' does not match the key of the record.");
        }
      } else if (type.columns().containsKey(name)) {
        values.put(name, column(type, name, type.columns().get(name), value));
      } else {
        throw DataverseException.payload(
            type,
            "The property '"
                + name
                + "' does not exist on type 'Microsoft.Dynamics.CRM."
                + type.logicalName()
                + "'. Make sure to only use property names that are defined by the type or mark"
                + " the type as open type.");
      }
    }
    values.remove(type.keyName());
    return values;
  }

  /** {@code prop@annotation}: binds a navigation property, checks a type, ignores the rest. */
  private void annotation(
      EntityType type, String property, String annotation, Object value, JsonObject values) {
    if (annotation.equals("odata.bind")) {
      bind(type, property, value, values);
      return;
    }
    if (!type.hasProperty(property) && type.navigation(property).isEmpty()) {
      throw undeclared(type, property);
    }
    if (annotation.equals("odata.type") && type.hasProperty(property)) {
      String expected = type.edmType(property);
      String named = value instanceof String s ? s.replaceFirst("^#", "") : String.valueOf(value);
      if (!named.equals(expected) && !("Edm." + named).equals(expected)) {
        throw DataverseException.payload(
            type,
            "A value with the type '"
                + named
                + "' was found, which is not compatible with the type '"
                + expected
                + "' of the property '"
                + property
                + "'.");
      }
    }
  }

  /** A top-level {@code @odata.type} must name the set's own entity type. */
  private static void checkEntityType(EntityType type, Object value) {
    String named = value instanceof String s ? s.replaceFirst("^#", "") : String.valueOf(value);
    String logical =
        named.startsWith(EntityType.NAMESPACE + ".")
            ? named.substring(EntityType.NAMESPACE.length() + 1)
            : named.startsWith(EntityType.ALIAS + ".")
                ? named.substring(EntityType.ALIAS.length() + 1)
                : null;
    if (type.logicalName().equals(logical)) {
      return;
    }
    boolean known =
        logical != null && EntityType.ALL.stream().anyMatch(t -> t.logicalName().equals(logical));
    throw DataverseException.payload(
        type,
        known
            ? "A resource with type '"
                + EntityType.NAMESPACE
                + "."
                + logical
                + "' was found, but it is not assignable to the expected type '"
                + type.qualifiedName()
                + "'. The type specified in the resource must be equal to either the expected"
                + " type or a derived type."
            : "A type named '"
                + named
                + "' could not be resolved by the model. When a model is available, each type"
                + " name must resolve to a valid type.");
  }

  private static DataverseException undeclared(EntityType type, String property) {
    return DataverseException.payload(
        type,
        "An undeclared property '"
            + property
            + "' which only has property annotations in the payload but no property value was"
            + " found in the payload.");
  }

  /** The key a create body names, if it names one. */
  static Optional<UUID> keyOf(EntityType type, JsonObject body) {
    Object value = body.getValue(type.keyName());
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof String s) {
      try {
        return Optional.of(UUID.fromString(s));
      } catch (IllegalArgumentException e) {
        // falls through to the error below
      }
    }
    throw DataverseException.payload(
        type, "Cannot convert the literal '" + value + "' to the expected type 'Edm.Guid'.");
  }

  private static Object column(EntityType type, String name, ColumnKind kind, Object value) {
    if (value == null) {
      return null;
    }
    boolean ok =
        switch (kind) {
          case STRING -> value instanceof String;
          case MONEY -> value instanceof Number;
          case STATE ->
              (value instanceof Integer)
                  || (value instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE);
          case LOOKUP ->
              throw DataverseException.payload(
                  type,
                  "CRM do not support direct update of Entity Reference properties, Use"
                      + " Navigation properties instead.");
        };
    if (!ok) {
      throw DataverseException.payload(
          type,
          "Cannot convert the literal '"
              + value
              + "' to the expected type '"
              + kind.edm()
              + "' for the property '"
              + name
              + "'.");
    }
    return value;
  }

  private void bind(EntityType type, String navigationName, Object value, JsonObject values) {
    Navigation navigation =
        type.navigation(navigationName).orElseThrow(() -> undeclared(type, navigationName));
    if (value == null) {
      values.putNull(navigation.lookupColumn());
      return;
    }
    Matcher m = value instanceof String s ? REFERENCE.matcher(s) : null;
    if (m == null || !m.matches() || !m.group(1).equals(navigation.targetSet())) {
      throw DataverseException.payload(
          type,
          "The value of '"
              + navigationName
              + "@odata.bind' must reference a record of '"
              + navigation.targetSet()
              + "', such as '/"
              + navigation.targetSet()
              + "(00000000-0000-0000-0000-000000000000)'.");
    }
    EntityType target = EntityType.bySetName(navigation.targetSet()).orElseThrow();
    UUID targetId = UUID.fromString(m.group(2));
    if (store.get(target, targetId).isEmpty()) {
      throw DataverseException.recordNotFound(target, targetId);
    }
    values.put(navigation.lookupColumn(), targetId.toString());
  }
}
