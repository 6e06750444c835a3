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
 * nav@odata.bind} references into lookup values and refuses what Dataverse refuses.
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
        continue; // instance annotations such as @odata.type
      }
      int at = name.indexOf("@odata.bind");
      if (at > 0 && at + "@odata.bind".length() == name.length()) {
        bind(type, name.substring(0, at), value, values);
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
        type.navigation(navigationName)
            .orElseThrow(
                () ->
                    DataverseException.payload(
                        type,
                        "An undeclared property '"
                            + navigationName
                            + "' which only has property annotations in the payload but no"
                            + " property value was found in the payload."));
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
