package io.dynagate.sandbox;

import io.dynagate.sandbox.EntityType.ColumnKind;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.UUID;

/**
 * Column values as {@code $filter}, {@code $orderby} and the paging cookie compare them: text as a
 * {@link String}, numbers as {@link BigDecimal}, keys and lookups as {@link UUID}, or null. The one
 * order they share: nulls first, text case-insensitively (as Dataverse's collation), numbers by
 * value, GUIDs as {@link UUID#compareTo} (the emulator's key order).
 */
final class ColumnValues {

  private ColumnValues() {}

  /** The typed value of {@code property} (the key or a column) in {@code values}. */
  static Object read(EntityType type, String property, JsonObject values) {
    ColumnKind kind =
        property.equals(type.keyName()) ? ColumnKind.LOOKUP : type.columns().get(property);
    return typed(kind, values.getValue(property));
  }

  /** {@code raw} (as stored in JSON) as the comparable value of a {@code kind} column. */
  static Object typed(ColumnKind kind, Object raw) {
    if (raw == null) {
      return null;
    }
    return switch (kind) {
      case STRING -> raw.toString();
      case MONEY, STATE -> new BigDecimal(raw.toString());
      case LOOKUP -> UUID.fromString(raw.toString());
    };
  }

  /** Nulls first; both non-null values must be of one type. */
  static int compare(Object a, Object b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    if (a instanceof String s) {
      return String.CASE_INSENSITIVE_ORDER.compare(s, (String) b);
    }
    if (a instanceof BigDecimal d) {
      return d.compareTo((BigDecimal) b);
    }
    if (a instanceof UUID u) {
      return u.compareTo((UUID) b);
    }
    return Boolean.compare((Boolean) a, (Boolean) b);
  }
}
