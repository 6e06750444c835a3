package io.dynagate.sandbox;

import io.dynagate.sandbox.EntityStore.Row;
import io.dynagate.sandbox.EntityType.ColumnKind;
import io.dynagate.sandbox.EntityType.Navigation;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Writes one record as Dataverse does for a {@link Representation}: control information by
 * metadata level (minimal: {@code @odata.etag}; full: also {@code @odata.type}, an absolute {@code
 * @odata.id}, a relative {@code @odata.editLink}, navigation links and {@code prop@odata.type} for
 * Decimal, Int32 and Guid values; none: nothing), then the selected columns and the key, each
 * preceded by the instance annotations asked for: formatted values of money ({@code
 * $1,500,000.00}), state codes ({@code Active}) and lookups (the referenced record's primary
 * name), and for lookups the referenced entity's logical name and the navigation property that set
 * them.
 */
final class EntityJson {

  private final EntityStore store;

  EntityJson(EntityStore store) {
    this.store = store;
  }

  JsonObject write(
      EntityType type,
      Row row,
      Optional<List<String>> select,
      Representation rep,
      String serviceRoot) {
    JsonObject json = new JsonObject();
    String editLink = type.setName() + "(" + row.id() + ")";
    if (rep.full()) {
      json.put("@odata.type", "#" + type.qualifiedName());
      json.put("@odata.id", serviceRoot + editLink);
    }
    if (rep.control()) {
      json.put("@odata.etag", row.etag());
    }
    if (rep.full()) {
      json.put("@odata.editLink", editLink);
    }
    List<String> names =
        new ArrayList<>(select.orElseGet(() -> List.copyOf(type.columns().keySet())));
    names.remove(type.keyName());
    names.add(type.keyName());
    for (String name : names) {
      Object value = row.values().getValue(name);
      ColumnKind kind = name.equals(type.keyName()) ? null : type.columns().get(name);
      if (rep.full() && value != null && !ColumnKind.STRING.equals(kind)) {
        json.put(
            name + "@odata.type",
            "#" + (kind == null ? ColumnKind.LOOKUP : kind).edm().substring(4));
      }
      if (kind != null && value != null) {
        annotate(json, rep, type, name, kind, value);
      }
      json.put(name, value);
    }
    if (rep.full()) {
      type.navigations()
          .forEach(n -> json.put(n.name() + "@odata.navigationLink", editLink + "/" + n.name()));
      type.reverses()
          .forEach(r -> json.put(r.name() + "@odata.navigationLink", editLink + "/" + r.name()));
    }
    return json;
  }

  private void annotate(
      JsonObject json,
      Representation rep,
      EntityType type,
      String name,
      ColumnKind kind,
      Object value) {
    String formatted = Representation.FORMATTED_VALUE;
    switch (kind) {
      case MONEY -> {
        if (rep.includes(formatted)) {
          json.put(name + "@" + formatted, money(new BigDecimal(value.toString())));
        }
      }
      case STATE -> {
        String label = EntityType.STATE_LABELS.get(((Number) value).intValue());
        if (label != null && rep.includes(formatted)) {
          json.put(name + "@" + formatted, label);
        }
      }
      case LOOKUP -> lookup(json, rep, type, name, UUID.fromString(value.toString()));
      case STRING -> {
        // text has no formatted value
      }
    }
  }

  /** The annotations of a lookup: from the record it points to, found through its navigations. */
  private void lookup(JsonObject json, Representation rep, EntityType type, String name, UUID id) {
    for (Navigation n : type.navigationsOf(name)) {
      EntityType target = EntityType.bySetName(n.targetSet()).orElseThrow();
      Optional<Row> referenced = store.get(target, id);
      if (referenced.isEmpty()) {
        continue;
      }
      String primaryName = target.primaryName(referenced.get().values());
      if (primaryName != null && rep.includes(Representation.FORMATTED_VALUE)) {
        json.put(name + "@" + Representation.FORMATTED_VALUE, primaryName);
      }
      if (rep.includes(Representation.ASSOCIATED_NAVIGATION_PROPERTY)) {
        json.put(name + "@" + Representation.ASSOCIATED_NAVIGATION_PROPERTY, n.name());
      }
      if (rep.includes(Representation.LOOKUP_LOGICAL_NAME)) {
        json.put(name + "@" + Representation.LOOKUP_LOGICAL_NAME, target.logicalName());
      }
      return;
    }
  }

  /** US dollars, as Dataverse formats money for an en-US user: {@code $1,500,000.00}. */
  static String money(BigDecimal amount) {
    String digits = String.format(Locale.US, "%,.2f", amount.abs());
    return (amount.signum() < 0 ? "-$" : "$") + digits;
  }
}
