package io.dynagate.sandbox;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code Prefer} preferences the sandbox honours (all {@code Prefer} headers, comma-separated,
 * commas inside double quotes kept: {@code odata.include-annotations="a,b"}).
 *
 * @param returnRepresentation {@code return=representation}
 * @param maxPageSize {@code odata.maxpagesize=N}, when N is a positive integer
 * @param continueOnError {@code odata.continue-on-error} (batches)
 * @param includeAnnotations the value of {@code odata.include-annotations}, quotes removed
 */
record Prefer(
    boolean returnRepresentation,
    OptionalInt maxPageSize,
    boolean continueOnError,
    Optional<String> includeAnnotations) {

  static Prefer of(MultiMap headers) {
    boolean representation = false;
    OptionalInt pageSize = OptionalInt.empty();
    boolean continueOnError = false;
    Optional<String> annotations = Optional.empty();
    for (String header : headers.getAll("Prefer")) {
      for (String item : split(header)) {
        String pref = item.trim();
        String lower = pref.toLowerCase(Locale.ROOT);
        if (lower.equals("return=representation")) {
          representation = true;
        } else if (lower.equals("odata.continue-on-error")) {
          continueOnError = true;
        } else if (lower.startsWith("odata.maxpagesize=")) {
          pageSize = positive(pref.substring("odata.maxpagesize=".length()).trim());
        } else if (lower.startsWith("odata.include-annotations=")) {
          annotations =
              Optional.of(unquote(pref.substring("odata.include-annotations=".length()).trim()));
        }
      }
    }
    return new Prefer(representation, pageSize, continueOnError, annotations);
  }

  /** Splits on commas outside double quotes. */
  private static List<String> split(String header) {
    List<String> items = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == ',' && !quoted) {
        items.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    items.add(current.toString());
    return items;
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1)
        : value;
  }

  private static OptionalInt positive(String value) {
    try {
      int n = Integer.parseInt(value);
      return n > 0 ? OptionalInt.of(n) : OptionalInt.empty();
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }
}
