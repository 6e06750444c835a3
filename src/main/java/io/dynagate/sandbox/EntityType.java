package io.dynagate.sandbox;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shape of one emulated table: entity set, primary key, columns and the navigation properties
 * that set a lookup column through {@code @odata.bind}.
 *
 * @param setName entity set name in URLs ({@code accounts})
 * @param logicalName entity logical name ({@code account})
 * @param keyName primary key column ({@code accountid})
 * @param columns writable and readable columns, in response order, without the key
 * @param navigations single-valued navigation properties that set a lookup column
 */
record EntityType(
    String setName,
    String logicalName,
    String keyName,
    Map<String, ColumnKind> columns,
    List<Navigation> navigations) {

  /** Edm type of a column. */
  enum ColumnKind {
    STRING("Edm.String"),
    DECIMAL("Edm.Decimal"),
    INTEGER("Edm.Int32"),
    /** {@code _x_value}: read-only, set through a navigation property. */
    LOOKUP("Edm.Guid");

    private final String edm;

    ColumnKind(String edm) {
      this.edm = edm;
    }

    String edm() {
      return edm;
    }
  }

  /** {@code name@odata.bind: "/targetSet(id)"} sets {@code lookupColumn}. */
  record Navigation(String name, String targetSet, String lookupColumn) {}

  static final EntityType ACCOUNTS =
      new EntityType(
          "accounts",
          "account",
          "accountid",
          ordered(
              "name", ColumnKind.STRING,
              "accountnumber", ColumnKind.STRING,
              "telephone1", ColumnKind.STRING,
              "revenue", ColumnKind.DECIMAL,
              "statecode", ColumnKind.INTEGER),
          List.of());

  static final EntityType CONTACTS =
      new EntityType(
          "contacts",
          "contact",
          "contactid",
          ordered(
              "firstname", ColumnKind.STRING,
              "lastname", ColumnKind.STRING,
              "emailaddress1", ColumnKind.STRING,
              "_parentcustomerid_value", ColumnKind.LOOKUP),
          List.of(
              new Navigation("parentcustomerid_account", "accounts", "_parentcustomerid_value"),
              new Navigation("parentcustomerid_contact", "contacts", "_parentcustomerid_value")));

  static final List<EntityType> ALL = List.of(ACCOUNTS, CONTACTS);

  static Optional<EntityType> bySetName(String setName) {
    return ALL.stream().filter(t -> t.setName().equals(setName)).findFirst();
  }

  /** True for the key and the columns. */
  boolean hasProperty(String name) {
    return keyName.equals(name) || columns.containsKey(name);
  }

  Optional<Navigation> navigation(String name) {
    return navigations.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  private static Map<String, ColumnKind> ordered(Object... pairs) {
    Map<String, ColumnKind> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], (ColumnKind) pairs[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }
}
