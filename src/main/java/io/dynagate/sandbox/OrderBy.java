package io.dynagate.sandbox;

import io.dynagate.sandbox.EntityStore.Row;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code $orderby=prop [asc|desc], …}: columns or the key, each ascending unless {@code desc}.
 * Nulls come first ascending and last descending, as in SQL Server; text sorts case-insensitively.
 * The primary key always breaks ties, ascending, as Dataverse adds it: that makes the order total,
 * so a paging cookie holding the last row's sort values says exactly where the next page starts.
 *
 * @param keys the requested keys, in order; empty for the default order (by primary key)
 */
record OrderBy(List<OrderBy.Key> keys) {

  /** One sort key. */
  record Key(String property, boolean descending) {}

  static final OrderBy NONE = new OrderBy(List.of());

  /**
   * Parses {@code text} against {@code type}.
   *
   * @throws DataverseException 400 for bad syntax or an unknown property ({@code 0x0})
   */
  static OrderBy parse(String text, EntityType type) {
    List<Key> keys = new ArrayList<>();
    for (String item : text.split(",", -1)) {
      String[] words = item.trim().split("\\s+");
      if (words[0].isEmpty()) {
        throw syntax(text, "an item is empty");
      }
      if (words.length > 2 || (words.length == 2 && !words[1].matches("asc|desc"))) {
        throw syntax(
            text, "'" + item.trim() + "' is not 'property', 'property asc' or 'property desc'");
      }
      String property = words[0];
      if (!property.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw syntax(
            text, "the sandbox sorts by properties of the entity only, not by '" + property + "'");
      }
      if (!type.hasProperty(property)) {
        throw DataverseException.propertyNotFound(property, type);
      }
      keys.add(new Key(property, words.length == 2 && words[1].equals("desc")));
    }
    return new OrderBy(List.copyOf(keys));
  }

  /** The keys the rows are sorted by: the requested ones, then the primary key if missing. */
  List<Key> sortKeys(EntityType type) {
    if (keys.stream().anyMatch(k -> k.property().equals(type.keyName()))) {
      return keys;
    }
    List<Key> all = new ArrayList<>(keys);
    all.add(new Key(type.keyName(), false));
    return List.copyOf(all);
  }

  /** The row's values of {@link #sortKeys}, typed as {@link ColumnValues} compares them. */
  List<Object> tuple(EntityType type, Row row) {
    List<Object> tuple = new ArrayList<>();
    sortKeys(type).forEach(k -> tuple.add(ColumnValues.read(type, k.property(), row.values())));
    return tuple;
  }

  /** Compares two tuples of {@link #sortKeys} values. */
  int compare(EntityType type, List<Object> a, List<Object> b) {
    List<Key> sortKeys = sortKeys(type);
    for (int i = 0; i < sortKeys.size(); i++) {
      int c = ColumnValues.compare(a.get(i), b.get(i));
      if (c != 0) {
        return sortKeys.get(i).descending() ? -c : c;
      }
    }
    return 0;
  }

  Comparator<Row> comparator(EntityType type) {
    return (a, b) -> compare(type, tuple(type, a), tuple(type, b));
  }

  private static DataverseException syntax(String text, String detail) {
    return DataverseException.syntax("Invalid $orderby '" + text + "': " + detail + ".");
  }
}
