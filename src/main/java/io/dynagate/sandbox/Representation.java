package io.dynagate.sandbox;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a response writes its JSON: the OData metadata level the client asked for ({@code Accept:
 * application/json;odata.metadata=minimal|full|none}, minimal by default) and the instance
 * annotations it asked for ({@code Prefer: odata.include-annotations="…"}: {@code *}, a term, a
 * namespace followed by {@code .*}, or a term or namespace to leave out with a leading {@code -};
 * comma-separated). With {@code none} no annotation is written at all, requested or not.
 *
 * @param level the metadata level
 * @param annotations the requested annotation patterns, empty for none
 * @param requested the {@code odata.include-annotations} value as sent, if sent
 */
record Representation(Level level, List<String> annotations, Optional<String> requested) {

  /** {@code odata.metadata}. */
  enum Level {
    MINIMAL,
    FULL,
    NONE;

    String contentType() {
      return "application/json; odata.metadata=" + name().toLowerCase(Locale.ROOT);
    }
  }

  static final String FORMATTED_VALUE = "OData.Community.Display.V1.FormattedValue";
  static final String LOOKUP_LOGICAL_NAME = "Microsoft.Dynamics.CRM.lookuplogicalname";
  static final String ASSOCIATED_NAVIGATION_PROPERTY =
      "Microsoft.Dynamics.CRM.associatednavigationproperty";
  static final String TOTAL_RECORD_COUNT = "Microsoft.Dynamics.CRM.totalrecordcount";
  static final String TOTAL_RECORD_COUNT_LIMIT_EXCEEDED =
      "Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded";

  static final Representation MINIMAL =
      new Representation(Level.MINIMAL, List.of(), Optional.empty());

  static Representation of(MultiMap headers, Prefer prefer) {
    Level level = level(headers);
    List<String> patterns = new ArrayList<>();
    prefer
        .includeAnnotations()
        .ifPresent(
            value -> {
              for (String item : value.split(",")) {
                if (!item.isBlank()) {
                  patterns.add(item.trim());
                }
              }
            });
    return new Representation(level, List.copyOf(patterns), prefer.includeAnnotations());
  }

  private static Level level(MultiMap headers) {
    for (String accept : headers.getAll("Accept")) {
      for (String range : accept.split(",")) {
        for (String parameter : range.split(";")) {
          String p = parameter.trim().toLowerCase(Locale.ROOT);
          if (p.startsWith("odata.metadata=")) {
            return switch (p.substring("odata.metadata=".length()).trim()) {
              case "full" -> Level.FULL;
              case "none" -> Level.NONE;
              default -> Level.MINIMAL;
            };
          }
        }
      }
    }
    return Level.MINIMAL;
  }

  /** Whether control information ({@code @odata.context}, {@code @odata.etag}) is written. */
  boolean control() {
    return level != Level.NONE;
  }

  boolean full() {
    return level == Level.FULL;
  }

  /** Whether the instance annotation {@code term} is written. */
  boolean includes(String term) {
    if (level == Level.NONE) {
      return false;
    }
    boolean included = false;
    for (String pattern : annotations) {
      boolean exclude = pattern.startsWith("-");
      String p = exclude ? pattern.substring(1) : pattern;
      boolean matches =
          p.equals("*")
              || p.equals(term)
              || (p.endsWith(".*") && term.startsWith(p.substring(0, p.length() - 1)));
      if (matches && exclude) {
        return false;
      }
      included |= matches;
    }
    return included;
  }

  /** {@code odata.include-annotations="…"} when the preference was sent and applied. */
  Optional<String> applied() {
    return level == Level.NONE
        ? Optional.empty()
        : requested.map(r -> "odata.include-annotations=\"" + r + "\"");
  }
}
