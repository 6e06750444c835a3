package io.dynagate.sandbox;

import io.vertx.core.MultiMap;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The {@code Prefer} preferences the sandbox honours (all {@code Prefer} headers, comma-separated).
 *
 * @param returnRepresentation {@code return=representation}
 * @param maxPageSize {@code odata.maxpagesize=N}, when N is a positive integer
 * @param continueOnError {@code odata.continue-on-error} (batches)
 */
record Prefer(boolean returnRepresentation, OptionalInt maxPageSize, boolean continueOnError) {

  static Prefer of(MultiMap headers) {
    boolean representation = false;
    OptionalInt pageSize = OptionalInt.empty();
    boolean continueOnError = false;
    for (String header : headers.getAll("Prefer")) {
      for (String item : header.split(",")) {
        String pref = item.trim();
        String lower = pref.toLowerCase(Locale.ROOT);
        if (lower.equals("return=representation")) {
          representation = true;
        } else if (lower.equals("odata.continue-on-error")) {
          continueOnError = true;
        } else if (lower.startsWith("odata.maxpagesize=")) {
          pageSize = positive(pref.substring("odata.maxpagesize=".length()).trim());
        }
      }
    }
    return new Prefer(representation, pageSize, continueOnError);
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
