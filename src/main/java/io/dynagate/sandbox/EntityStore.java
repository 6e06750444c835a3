package io.dynagate.sandbox;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The emulated tables, in memory. Each write replaces a row and gives it a new version (the ETag);
 * a row's values are never changed in place, so snapshots are shallow copies.
 */
final class EntityStore {

  /**
   * One record.
   *
   * @param id primary key
   * @param values key and columns; never mutated after the row is stored
   * @param version row version, the ETag's value
   */
  record Row(UUID id, JsonObject values, long version) {

    String etag() {
      return "W/\"" + version + "\"";
    }
  }

  /** The whole store at one moment, to undo a failed change set. */
  record Snapshot(Map<String, TreeMap<UUID, Row>> tables, long version) {}

  private static final long FIRST_VERSION = 1_000_000;

  private final Map<String, TreeMap<UUID, Row>> tables = new HashMap<>();
  private long version;

  EntityStore() {
    reseed();
  }

  /** Drops every row and loads the seed data again. */
  synchronized void reseed() {
    tables.clear();
    EntityType.ALL.forEach(t -> tables.put(t.setName(), new TreeMap<>()));
    version = FIRST_VERSION;
    SeedData.load(this);
  }

  synchronized Optional<Row> get(EntityType type, UUID id) {
    return Optional.ofNullable(table(type).get(id));
  }

  /** All rows of a table, ordered by key (the order paging relies on). */
  synchronized List<Row> rows(EntityType type) {
    return new ArrayList<>(table(type).values());
  }

  /** Stores {@code values} (key included) as the row {@code id}, with a new version. */
  synchronized Row put(EntityType type, UUID id, JsonObject values) {
    JsonObject copy = values.copy().put(type.keyName(), id.toString());
    Row row = new Row(id, copy, ++version);
    table(type).put(id, row);
    return row;
  }

  synchronized boolean delete(EntityType type, UUID id) {
    return table(type).remove(id) != null;
  }

  synchronized Snapshot snapshot() {
    Map<String, TreeMap<UUID, Row>> copy = new HashMap<>();
    tables.forEach((name, rows) -> copy.put(name, new TreeMap<>(rows)));
    return new Snapshot(copy, version);
  }

  /** Puts back the rows of {@code snapshot}; versions keep growing so no ETag is reused. */
  synchronized void restore(Snapshot snapshot) {
    tables.clear();
    snapshot.tables().forEach((name, rows) -> tables.put(name, new TreeMap<>(rows)));
  }

  private TreeMap<UUID, Row> table(EntityType type) {
    return tables.get(type.setName());
  }
}
