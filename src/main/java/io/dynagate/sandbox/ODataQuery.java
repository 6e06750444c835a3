package io.dynagate.sandbox;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The system query options of one request: {@code $select}, {@code $filter} (with its {@code @p}
 * parameter aliases), {@code $orderby}, {@code $top}, {@code $count} and the {@code $skiptoken} of
 * a next link. {@code $skip} is refused with a 400 as Dataverse does; {@code $expand}, {@code
 * $apply}, {@code $search} and the like with a 501 (not emulated); unknown options with a 400.
 *
 * @param select selected properties, empty for all
 * @param filter rows to keep
 * @param orderBy the order of the rows (then by primary key)
 * @param top at most this many rows, no paging
 * @param count whether to add {@code @odata.count}
 * @param page where a next link left off
 */
record ODataQuery(
    Optional<List<String>> select,
    Filter filter,
    OrderBy orderBy,
    OptionalInt top,
    boolean count,
    Optional<PageCookie> page) {

  private static final Set<String> UNSUPPORTED =
      Set.of("$expand", "$apply", "$search", "$format", "$compute", "$levels");

  /**
   * Reads the system query options for {@code type}.
   *
   * @throws DataverseException 400 for an unknown property, bad syntax or an unsupported option
   */
  static ODataQuery parse(List<QueryString.Param> params, EntityType type) {
    Optional<List<String>> select = Optional.empty();
    Filter filter = Filter.all();
    OrderBy orderBy = OrderBy.NONE;
    OptionalInt top = OptionalInt.empty();
    boolean count = false;
    String skipToken = null;
    Set<String> seen = new HashSet<>();
    Map<String, String> aliases = aliases(params);
    for (QueryString.Param p : params) {
      if (!p.name().startsWith("$")) {
        continue;
      }
      if (!seen.add(p.name())) {
        throw DataverseException.syntax(
            "Query option '"
                + p.name()
                + "' was specified more than once, but it must be specified at most once.");
      }
      switch (p.name()) {
        case "$select" -> select = Optional.of(select(p.value(), type));
        case "$filter" -> filter = Filter.parse(p.value(), type, aliases);
        case "$orderby" -> orderBy = OrderBy.parse(p.value(), type);
        case "$top" -> top = OptionalInt.of(top(p.value()));
        case "$count" -> count = bool("$count", p.value());
        case "$skiptoken" -> skipToken = p.value();
        case "$skip" ->
            throw DataverseException.syntax(
                "The query parameter $skip is not supported; page with @odata.nextLink.");
        default ->
            throw UNSUPPORTED.contains(p.name())
                ? DataverseException.notEmulated("the " + p.name() + " query option")
                : DataverseException.syntax(
                    "The query parameter '" + p.name() + "' is not supported.");
      }
    }
    // the cookie's values are typed by the sort keys, known only once $orderby is read
    Optional<PageCookie> page =
        skipToken == null
            ? Optional.empty()
            : Optional.of(PageCookie.parse(skipToken, type, orderBy.sortKeys(type)));
    return new ODataQuery(select, filter, orderBy, top, count, page);
  }

  /** The parameter aliases ({@code @p=value}) of a request, decoded. */
  private static Map<String, String> aliases(List<QueryString.Param> params) {
    Map<String, String> aliases = new HashMap<>();
    params.stream()
        .filter(p -> p.name().startsWith("@"))
        .forEach(p -> aliases.put(p.name(), p.value()));
    return aliases;
  }

  /** {@code $select} for a single record: the only option a retrieve by key takes. */
  static Optional<List<String>> selectOnly(List<QueryString.Param> params, EntityType type) {
    Optional<List<String>> select = Optional.empty();
    for (QueryString.Param p : params) {
      if (p.name().equals("$select")) {
        select = Optional.of(select(p.value(), type));
      } else if (p.name().equals("$expand")) {
        throw DataverseException.notEmulated("the $expand query option");
      }
    }
    return select;
  }

  private static List<String> select(String value, EntityType type) {
    List<String> properties = new ArrayList<>();
    for (String item : value.split(",", -1)) {
      String name = item.trim();
      if (name.isEmpty()) {
        throw DataverseException.syntax("Invalid $select '" + value + "': empty property name.");
      }
      if (!type.hasProperty(name)) {
        throw DataverseException.propertyNotFound(name, type);
      }
      if (!properties.contains(name)) {
        properties.add(name);
      }
    }
    return List.copyOf(properties);
  }

  private static int top(String value) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw DataverseException.syntax(
        "Invalid value '"
            + value
            + "' for $top query option found. The $top query option requires a non-negative"
            + " integer value.");
  }

  private static boolean bool(String option, String value) {
    return switch (value.trim()) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw DataverseException.syntax(
              "Invalid value '" + value + "' for " + option + " query option found.");
    };
  }
}
