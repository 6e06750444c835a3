package io.dynagate.sandbox;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The shape of one emulated table: entity set, primary key, columns, primary name and the
 * navigation properties that set a lookup column through {@code @odata.bind}. Everything that
 * describes the model ({@code $metadata}, type checks, annotations) is derived from here.
 *
 * @param setName entity set name in URLs ({@code accounts})
 * @param logicalName entity logical name ({@code account})
 * @param keyName primary key column ({@code accountid})
 * @param nameColumns columns whose values, joined by a space, make the record's primary name (what
 *     a lookup to it shows as its formatted value)
 * @param columns writable and readable columns, in response order, without the key
 * @param navigations single-valued navigation properties that set a lookup column
 */
record EntityType(
    String setName,
    String logicalName,
    String keyName,
    List<String> nameColumns,
    Map<String, ColumnKind> columns,
    List<Navigation> navigations) {

  /** The OData namespace of every emulated type. */
  static final String NAMESPACE = "Microsoft.Dynamics.CRM";

  /** The namespace alias Dataverse's {@code $metadata} declares. */
  static final String ALIAS = "mscrm";

  /** What a column holds, with its Edm type. */
  enum ColumnKind {
    STRING("Edm.String"),
    /** A currency amount ({@code revenue}); formatted as US dollars. */
    MONEY("Edm.Decimal"),
    /** {@code statecode}: an integer option set, formatted by its label. */
    STATE("Edm.Int32"),
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

  /** The labels of {@code statecode} values (Dataverse's default state labels). */
  static final Map<Integer, String> STATE_LABELS = Map.of(0, "Active", 1, "Inactive");

  /**
   * {@code name@odata.bind: "/targetSet(id)"} sets {@code lookupColumn}; {@code partner} is the
   * collection-valued navigation property on the target that lists the records pointing to it.
   */
  record Navigation(String name, String targetSet, String lookupColumn, String partner) {}

  /** A collection-valued navigation property: the other end of a {@link Navigation}. */
  record Reverse(String name, EntityType source, Navigation navigation) {}

  static final EntityType ACCOUNTS =
      new EntityType(
          "accounts",
          "account",
          "accountid",
          List.of("name"),
          ordered(
              "name", ColumnKind.STRING,
              "accountnumber", ColumnKind.STRING,
              "telephone1", ColumnKind.STRING,
              "revenue", ColumnKind.MONEY,
              "statecode", ColumnKind.STATE),
          List.of());

  static final EntityType CONTACTS =
      new EntityType(
          "contacts",
          "contact",
          "contactid",
          // Dataverse's fullname, which the sandbox does not store: "first last"
          List.of("firstname", "lastname"),
          ordered(
              "firstname", ColumnKind.STRING,
              "lastname", ColumnKind.STRING,
              "emailaddress1", ColumnKind.STRING,
              "_parentcustomerid_value", ColumnKind.LOOKUP),
          List.of(
              new Navigation(
                  "parentcustomerid_account",
                  "accounts",
                  "_parentcustomerid_value",
                  "contact_customer_accounts"),
              new Navigation(
                  "parentcustomerid_contact",
                  "contacts",
                  "_parentcustomerid_value",
                  "contact_customer_contacts")));

  static final List<EntityType> ALL = List.of(ACCOUNTS, CONTACTS);

  static Optional<EntityType> bySetName(String setName) {
    return ALL.stream().filter(t -> t.setName().equals(setName)).findFirst();
  }

  /** {@code Microsoft.Dynamics.CRM.account}. */
  String qualifiedName() {
    return NAMESPACE + "." + logicalName;
  }

  /** True for the key and the columns. */
  boolean hasProperty(String name) {
    return keyName.equals(name) || columns.containsKey(name);
  }

  /** The Edm type of the key or a column, or null for neither. */
  String edmType(String property) {
    if (keyName.equals(property)) {
      return ColumnKind.LOOKUP.edm();
    }
    ColumnKind kind = columns.get(property);
    return kind == null ? null : kind.edm();
  }

  Optional<Navigation> navigation(String name) {
    return navigations.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  /** The single-valued navigation properties that set {@code lookupColumn}, in model order. */
  List<Navigation> navigationsOf(String lookupColumn) {
    return navigations.stream().filter(n -> n.lookupColumn().equals(lookupColumn)).toList();
  }

  /** The collection-valued navigation properties of this type (partners of others' lookups). */
  List<Reverse> reverses() {
    List<Reverse> reverses = new ArrayList<>();
    for (EntityType source : ALL) {
      for (Navigation n : source.navigations()) {
        if (n.targetSet().equals(setName)) {
          reverses.add(new Reverse(n.partner(), source, n));
        }
      }
    }
    return reverses;
  }

  /** The primary name of a record ({@code name}, or first and last name), null when empty. */
  String primaryName(JsonObject values) {
    String name =
        nameColumns.stream()
            .map(values::getValue)
            .filter(v -> v instanceof String s && !s.isBlank())
            .map(Object::toString)
            .collect(Collectors.joining(" "));
    return name.isEmpty() ? null : name;
  }

  private static Map<String, ColumnKind> ordered(Object... pairs) {
    Map<String, ColumnKind> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], (ColumnKind) pairs[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }
}
