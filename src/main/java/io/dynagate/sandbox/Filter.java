package io.dynagate.sandbox;

import io.dynagate.sandbox.EntityType.ColumnKind;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code $filter} subset the sandbox understands: {@code property eq literal} clauses joined by
 * {@code and}. Literals: {@code 'text'} (with {@code ''} for a quote), numbers, GUIDs and {@code
 * null}. Text compares case-insensitively, as Dataverse's collation does. Anything else is a 400,
 * never a 500.
 */
final class Filter {

  /** One {@code property eq value}; {@code value} is a String, BigDecimal, UUID or null. */
  record Clause(String property, Object value) {}

  private static final Pattern GUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final List<Clause> clauses;

  private Filter(List<Clause> clauses) {
    this.clauses = List.copyOf(clauses);
  }

  static Filter all() {
    return new Filter(List.of());
  }

  List<Clause> clauses() {
    return clauses;
  }

  boolean matches(JsonObject values) {
    return clauses.stream().allMatch(c -> equal(values.getValue(c.property()), c.value()));
  }

  private static boolean equal(Object actual, Object expected) {
    if (expected == null || actual == null) {
      return expected == null && actual == null;
    }
    if (expected instanceof String s) {
      return actual instanceof String a && a.equalsIgnoreCase(s);
    }
    if (expected instanceof BigDecimal d) {
      return actual instanceof Number n && new BigDecimal(n.toString()).compareTo(d) == 0;
    }
    return expected.toString().equalsIgnoreCase(actual.toString());
  }

  /**
   * Parses and type-checks {@code text} against {@code type}.
   *
   * @throws DataverseException 400 for syntax the sandbox does not support or a type mismatch
   */
  static Filter parse(String text, EntityType type) {
    Parser parser = new Parser(text, type);
    List<Clause> clauses = new ArrayList<>();
    clauses.add(parser.clause());
    while (parser.more()) {
      parser.keyword("and");
      clauses.add(parser.clause());
    }
    return new Filter(clauses);
  }

  /** A hand-written scanner over the filter text; positions in messages are 0-based. */
  private static final class Parser {
    private final String text;
    private final EntityType type;
    private int pos;

    Parser(String text, EntityType type) {
      this.text = text;
      this.type = type;
    }

    boolean more() {
      skipSpaces();
      return pos < text.length();
    }

    Clause clause() {
      skipSpaces();
      String property = match(IDENTIFIER, "a property name");
      skipSpaces();
      if (pos < text.length() && text.charAt(pos) == '(') {
        throw unsupported("function '" + property + "'");
      }
      if (!type.hasProperty(property)) {
        throw DataverseException.propertyNotFound(property, type);
      }
      keyword("eq");
      skipSpaces();
      Object value = literal();
      return new Clause(property, checked(property, value));
    }

    void keyword(String word) {
      skipSpaces();
      int start = pos;
      String found = match(IDENTIFIER, "'" + word + "'");
      if (!found.equals(word)) {
        pos = start;
        throw unsupported("'" + found + "'");
      }
    }

    private Object literal() {
      if (pos >= text.length()) {
        throw syntax("a value is missing at the end");
      }
      if (text.charAt(pos) == '\'') {
        return string();
      }
      Matcher guid = GUID.matcher(text).region(pos, text.length());
      if (guid.lookingAt() && boundary(guid.end())) {
        pos = guid.end();
        return UUID.fromString(guid.group());
      }
      Matcher number = NUMBER.matcher(text).region(pos, text.length());
      if (number.lookingAt() && boundary(number.end())) {
        pos = number.end();
        return new BigDecimal(number.group());
      }
      int start = pos;
      String word = match(IDENTIFIER, "a value");
      if (word.equals("null")) {
        return null;
      }
      pos = start;
      throw unsupported("the value '" + word + "'");
    }

    private String string() {
      StringBuilder sb = new StringBuilder();
      int i = pos + 1;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (c == '\'') {
          if (i + 1 < text.length() && text.charAt(i + 1) == '\'') {
            sb.append('\'');
            i += 2;
            continue;
          }
          pos = i + 1;
          return sb.toString();
        }
        sb.append(c);
        i++;
      }
      throw syntax("there is an unterminated string literal at position " + pos);
    }

    private Object checked(String property, Object value) {
      ColumnKind kind =
          property.equals(type.keyName()) ? ColumnKind.LOOKUP : type.columns().get(property);
      if (value == null) {
        return null;
      }
      boolean ok =
          switch (kind) {
            case STRING -> value instanceof String;
            case DECIMAL -> value instanceof BigDecimal;
            case INTEGER -> value instanceof BigDecimal d && d.stripTrailingZeros().scale() <= 0;
            case LOOKUP -> value instanceof UUID;
          };
      if (!ok) {
        throw DataverseException.syntax(
            "A binary operator with incompatible types was detected. Found operand types '"
                + kind.edm()
                + "' and '"
                + edmOf(value)
                + "' for operator kind 'Equal'.");
      }
      return value;
    }

    private static String edmOf(Object value) {
      if (value instanceof String) {
        return "Edm.String";
      }
      if (value instanceof UUID) {
        return "Edm.Guid";
      }
      return ((BigDecimal) value).scale() > 0 ? "Edm.Decimal" : "Edm.Int32";
    }

    private String match(Pattern pattern, String expected) {
      Matcher m = pattern.matcher(text).region(pos, text.length());
      if (!m.lookingAt()) {
        throw syntax("expected " + expected + " at position " + pos);
      }
      pos = m.end();
      return m.group();
    }

    private boolean boundary(int end) {
      return end >= text.length() || !Character.isLetterOrDigit(text.charAt(end));
    }

    private void skipSpaces() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    private DataverseException unsupported(String what) {
      return syntax(
          "the sandbox supports only 'property eq value' clauses joined by 'and', found "
              + what
              + " at position "
              + pos);
    }

    private DataverseException syntax(String detail) {
      return DataverseException.syntax("Invalid $filter '" + text + "': " + detail + ".");
    }
  }
}
