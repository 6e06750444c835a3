package io.dynagate.sandbox;

import io.dynagate.sandbox.EntityType.ColumnKind;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code $filter} language the sandbox understands, parsed into a tree and type-checked against
 * the entity type:
 *
 * <ul>
 *   <li>comparisons {@code eq ne gt ge lt le} between properties (the key and columns) and literals
 *       ({@code 'text'} with {@code ''} for a quote, integers, decimals, GUIDs, {@code true},
 *       {@code false}, {@code null}, and parameter aliases {@code @p} whose value is one of those);
 *   <li>{@code not}, {@code and}, {@code or} and parentheses, binding in OData's order: {@code not}
 *       (which applies to what directly follows it, so {@code not (a eq 1)}), then comparisons,
 *       then {@code and}, then {@code or};
 *   <li>{@code startswith(property,'text')}, {@code endswith(…)}, {@code contains(…)}.
 * </ul>
 *
 * <p>Text compares case-insensitively, as Dataverse's collation does. Comparisons follow SQL's
 * three-valued logic, as Dataverse's queries run on SQL: {@code x eq null} and {@code x ne null}
 * test for null, any other comparison with a null value is unknown, and only rows for which the
 * whole expression is true match. A literal compared with a property must fit the property's type
 * (an integer fits a decimal column, a decimal does not fit an integer one). Anything else is a 400
 * Dataverse error (syntax: {@code 0x80060888}; unknown property: {@code 0x0}), never a 500.
 */
final class Filter {

  /** The Edm type of an operand. */
  enum Type {
    STRING("Edm.String"),
    DECIMAL("Edm.Decimal"),
    INT32("Edm.Int32"),
    INT64("Edm.Int64"),
    GUID("Edm.Guid"),
    BOOLEAN("Edm.Boolean"),
    /** The {@code null} literal, comparable with anything. */
    NULL("null");

    private final String edm;

    Type(String edm) {
      this.edm = edm;
    }

    boolean numeric() {
      return this == DECIMAL || this == INT32 || this == INT64;
    }

    /** Whether a literal of this type can stand for a value of {@code target}. */
    boolean fits(Type target) {
      return this == target
          || (this == INT32 && (target == INT64 || target == DECIMAL))
          || (this == INT64 && target == DECIMAL);
    }

    static Type of(ColumnKind kind) {
      return switch (kind) {
        case STRING -> STRING;
        case MONEY -> DECIMAL;
        case STATE -> INT32;
        case LOOKUP -> GUID;
      };
    }
  }

  /** Comparison operators, with the names Dataverse's error messages give them. */
  enum Operator {
    EQ("eq", "Equal"),
    NE("ne", "NotEqual"),
    GT("gt", "GreaterThan"),
    GE("ge", "GreaterThanOrEqual"),
    LT("lt", "LessThan"),
    LE("le", "LessThanOrEqual");

    private final String token;
    private final String kind;

    Operator(String token, String kind) {
      this.token = token;
      this.kind = kind;
    }

    static Operator byToken(String token) {
      for (Operator op : values()) {
        if (op.token.equals(token)) {
          return op;
        }
      }
      return null;
    }

    boolean holds(int comparison) {
      return switch (this) {
        case EQ -> comparison == 0;
        case NE -> comparison != 0;
        case GT -> comparison > 0;
        case GE -> comparison >= 0;
        case LT -> comparison < 0;
        case LE -> comparison <= 0;
      };
    }
  }

  /** A node of the parsed expression; {@link #type()} is the Edm type it evaluates to. */
  sealed interface Node permits Property, Literal, Comparison, Logical, Not, Call {
    Type type();
  }

  record Property(String name, Type type) implements Node {}

  /** {@code value} is a String, BigDecimal, UUID, Boolean or null. */
  record Literal(Object value, Type type) implements Node {}

  record Comparison(Operator operator, Node left, Node right) implements Node {
    @Override
    public Type type() {
      return Type.BOOLEAN;
    }
  }

  record Logical(boolean and, Node left, Node right) implements Node {
    @Override
    public Type type() {
      return Type.BOOLEAN;
    }
  }

  record Not(Node operand) implements Node {
    @Override
    public Type type() {
      return Type.BOOLEAN;
    }
  }

  /** {@code startswith|endswith|contains(property,'text')}. */
  record Call(String function, Property property, String text) implements Node {
    @Override
    public Type type() {
      return Type.BOOLEAN;
    }
  }

  private static final Set<String> STRING_FUNCTIONS = Set.of("startswith", "endswith", "contains");

  /** OData's other built-in functions: known to Dataverse, not emulated here. */
  private static final Set<String> OTHER_FUNCTIONS =
      Set.of(
          "tolower",
          "toupper",
          "length",
          "indexof",
          "substring",
          "trim",
          "concat",
          "year",
          "month",
          "day",
          "hour",
          "minute",
          "second",
          "date",
          "time",
          "now",
          "round",
          "floor",
          "ceiling",
          "cast",
          "isof",
          "matchespattern",
          "fractionalseconds",
          "totaloffsetminutes",
          "mindatetime",
          "maxdatetime");

  private static final Set<String> RESERVED =
      Set.of("and", "or", "not", "eq", "ne", "gt", "ge", "lt", "le");

  private final EntityType type;
  private final Node root;

  private Filter(EntityType type, Node root) {
    this.type = type;
    this.root = root;
  }

  static Filter all() {
    return new Filter(null, null);
  }

  /** True when the expression is true for the row (unknown and false do not match). */
  boolean matches(JsonObject values) {
    return root == null || Boolean.TRUE.equals(eval(root, values));
  }

  /** The parsed tree, fully parenthesised ({@code ((a eq 1) or (not (b eq 2)))}); for tests. */
  String canonical() {
    return root == null ? "" : canonical(root);
  }

  private Object eval(Node node, JsonObject values) {
    if (node instanceof Property p) {
      return ColumnValues.read(type, p.name(), values);
    }
    if (node instanceof Literal l) {
      return l.value();
    }
    if (node instanceof Comparison c) {
      return compare(c, eval(c.left(), values), eval(c.right(), values));
    }
    if (node instanceof Logical l) {
      Boolean left = (Boolean) eval(l.left(), values);
      Boolean right = (Boolean) eval(l.right(), values);
      Boolean decisive = l.and() ? Boolean.FALSE : Boolean.TRUE;
      if (decisive.equals(left) || decisive.equals(right)) {
        return decisive;
      }
      return left == null || right == null ? null : !decisive;
    }
    if (node instanceof Not n) {
      Boolean operand = (Boolean) eval(n.operand(), values);
      return operand == null ? null : !operand;
    }
    Call call = (Call) node;
    Object value = eval(call.property(), values);
    if (value == null) {
      return null;
    }
    String text = value.toString();
    String part = call.text();
    return switch (call.function()) {
      case "startswith" -> text.regionMatches(true, 0, part, 0, part.length());
      case "endswith" ->
          text.length() >= part.length()
              && text.regionMatches(true, text.length() - part.length(), part, 0, part.length());
      default -> text.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT));
    };
  }

  private static Boolean compare(Comparison c, Object left, Object right) {
    boolean nullTest = isNullLiteral(c.left()) || isNullLiteral(c.right());
    if (nullTest) {
      boolean bothNull = left == null && right == null;
      return switch (c.operator()) {
        case EQ -> bothNull;
        case NE -> !bothNull;
        default -> null;
      };
    }
    if (left == null || right == null) {
      return null;
    }
    return c.operator().holds(ColumnValues.compare(left, right));
  }

  private static boolean isNullLiteral(Node node) {
    return node instanceof Literal l && l.type() == Type.NULL;
  }

  private static String canonical(Node node) {
    if (node instanceof Property p) {
      return p.name();
    }
    if (node instanceof Literal l) {
      return l.value() instanceof String s ? "'" + s.replace("'", "''") + "'" : "" + l.value();
    }
    if (node instanceof Comparison c) {
      return "("
          + canonical(c.left())
          + " "
          + c.operator().token
          + " "
          + canonical(c.right())
          + ")";
    }
    if (node instanceof Logical l) {
      return "(" + canonical(l.left()) + (l.and() ? " and " : " or ") + canonical(l.right()) + ")";
    }
    if (node instanceof Not n) {
      return "(not " + canonical(n.operand()) + ")";
    }
    Call c = (Call) node;
    return c.function() + "(" + c.property().name() + ",'" + c.text().replace("'", "''") + "')";
  }

  /**
   * Parses and type-checks {@code text} against {@code type}.
   *
   * @throws DataverseException 400 for syntax the sandbox does not support or a type mismatch
   */
  static Filter parse(String text, EntityType type) {
    return parse(text, type, Map.of());
  }

  /**
   * Parses {@code text}; {@code aliases} are the request's {@code @name} parameters (decoded).
   *
   * @throws DataverseException 400 for syntax the sandbox does not support or a type mismatch
   */
  static Filter parse(String text, EntityType type, Map<String, String> aliases) {
    Parser parser = new Parser(text, type, aliases);
    Node root = parser.expression();
    parser.expectEnd();
    if (root.type() != Type.BOOLEAN) {
      throw DataverseException.syntax(
          "The $filter expression must evaluate to a single boolean value.");
    }
    return new Filter(type, root);
  }

  private enum Kind {
    LPAREN,
    RPAREN,
    COMMA,
    STRING,
    NUMBER,
    GUID,
    WORD,
    ALIAS,
    END
  }

  private record Token(Kind kind, String text, Object value, int pos) {}

  /** Splits filter text into tokens; positions in messages are 0-based. */
  private static final class Lexer {
    private static final Pattern GUID =
        Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern WORDLIKE = Pattern.compile("[-+.A-Za-z0-9_]+");

    private final String text;
    private final String source;
    private int pos;

    /** {@code source} is the whole $filter, for messages ({@code text} may be an alias value). */
    Lexer(String text, String source) {
      this.text = text;
      this.source = source;
    }

    List<Token> tokens() {
      List<Token> tokens = new ArrayList<>();
      Token token;
      do {
        token = next();
        tokens.add(token);
      } while (token.kind() != Kind.END);
      return tokens;
    }

    private Token next() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
      int start = pos;
      if (pos >= text.length()) {
        return new Token(Kind.END, "", null, start);
      }
      char c = text.charAt(pos);
      switch (c) {
        case '(' -> {
          pos++;
          return new Token(Kind.LPAREN, "(", null, start);
        }
        case ')' -> {
          pos++;
          return new Token(Kind.RPAREN, ")", null, start);
        }
        case ',' -> {
          pos++;
          return new Token(Kind.COMMA, ",", null, start);
        }
        case '\'' -> {
          return string();
        }
        default -> {
          // the cases below
        }
      }
      Matcher guid = GUID.matcher(text).region(pos, text.length());
      if (guid.lookingAt() && boundary(guid.end())) {
        pos = guid.end();
        return new Token(Kind.GUID, guid.group(), UUID.fromString(guid.group()), start);
      }
      Matcher number = NUMBER.matcher(text).region(pos, text.length());
      if (number.lookingAt()) {
        if (!boundary(number.end())) {
          Matcher word = WORDLIKE.matcher(text).region(pos, text.length());
          word.lookingAt();
          throw syntax(source, "the literal '" + word.group() + "' is not supported", start);
        }
        pos = number.end();
        return new Token(Kind.NUMBER, number.group(), new BigDecimal(number.group()), start);
      }
      if (c == '@') {
        Matcher name = IDENTIFIER.matcher(text).region(pos + 1, text.length());
        if (name.lookingAt()) {
          pos = name.end();
          return new Token(Kind.ALIAS, name.group(), null, start);
        }
      }
      Matcher word = IDENTIFIER.matcher(text).region(pos, text.length());
      if (word.lookingAt()) {
        pos = word.end();
        return new Token(Kind.WORD, word.group(), null, start);
      }
      throw syntax(source, "the character '" + c + "' is not expected", start);
    }

    private Token string() {
      int start = pos;
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
          return new Token(Kind.STRING, text.substring(start, pos), sb.toString(), start);
        }
        sb.append(c);
        i++;
      }
      throw syntax(source, "there is an unterminated string literal", start);
    }

    private boolean boundary(int end) {
      if (end >= text.length()) {
        return true;
      }
      char c = text.charAt(end);
      return !Character.isLetterOrDigit(c) && c != '_' && c != '.';
    }
  }

  /** Recursive descent: or → and → comparison → not → primary. */
  private static final class Parser {
    private final String text;
    private final EntityType type;
    private final Map<String, String> aliases;
    private final List<Token> tokens;
    private int next;

    Parser(String text, EntityType type, Map<String, String> aliases) {
      this.text = text;
      this.type = type;
      this.aliases = aliases;
      this.tokens = new Lexer(text, text).tokens();
    }

    Node expression() {
      Node left = conjunction();
      while (word("or")) {
        next++;
        left = logical(false, left, conjunction());
      }
      return left;
    }

    void expectEnd() {
      Token token = peek();
      if (token.kind() != Kind.END) {
        throw syntax(text, "'" + token.text() + "' is not expected here", token.pos());
      }
    }

    private Node conjunction() {
      Node left = comparison();
      while (word("and")) {
        next++;
        left = logical(true, left, comparison());
      }
      return left;
    }

    private Node logical(boolean and, Node left, Node right) {
      if (left.type() != Type.BOOLEAN || right.type() != Type.BOOLEAN) {
        throw incompatible(left, right, and ? "And" : "Or");
      }
      return new Logical(and, left, right);
    }

    private Node comparison() {
      Node left = unary();
      Operator op;
      while ((op = operator()) != null) {
        next++;
        Node right = unary();
        checkComparable(op, left, right);
        left = new Comparison(op, left, right);
      }
      return left;
    }

    private Operator operator() {
      Token token = peek();
      return token.kind() == Kind.WORD ? Operator.byToken(token.text()) : null;
    }

    private void checkComparable(Operator op, Node left, Node right) {
      Type l = left.type();
      Type r = right.type();
      boolean ok;
      if (l == Type.NULL || r == Type.NULL) {
        ok = true;
      } else if (l.numeric() && r.numeric()) {
        // a literal must fit the property it is compared with
        if (left instanceof Property && right instanceof Literal) {
          ok = r.fits(l);
        } else if (left instanceof Literal && right instanceof Property) {
          ok = l.fits(r);
        } else {
          ok = true;
        }
      } else {
        ok = l == r && (l != Type.BOOLEAN || op == Operator.EQ || op == Operator.NE);
      }
      if (!ok) {
        throw incompatible(left, right, op.kind);
      }
    }

    private Node unary() {
      if (word("not")) {
        next++;
        Node operand = unary();
        if (operand.type() != Type.BOOLEAN) {
          throw DataverseException.syntax(
              "A unary operator with an incompatible type was detected. Found operand type '"
                  + operand.type().edm
                  + "' for operator kind 'Not'.");
        }
        return new Not(operand);
      }
      return primary();
    }

    private Node primary() {
      Token token = tokens.get(next++);
      switch (token.kind()) {
        case LPAREN -> {
          Node inner = expression();
          expect(Kind.RPAREN, "')'");
          return inner;
        }
        case STRING, NUMBER, GUID -> {
          return literal(token);
        }
        case ALIAS -> {
          return alias(token);
        }
        case WORD -> {
          return word(token);
        }
        case END -> throw syntax(text, "a value is missing at the end", token.pos());
        default -> throw syntax(text, "'" + token.text() + "' is not expected here", token.pos());
      }
    }

    private Node word(Token token) {
      String name = token.text();
      if (peek().kind() == Kind.LPAREN) {
        return call(token);
      }
      switch (name) {
        case "null" -> {
          return new Literal(null, Type.NULL);
        }
        case "true", "false" -> {
          return new Literal(Boolean.valueOf(name), Type.BOOLEAN);
        }
        default -> {
          // a property, below
        }
      }
      if (RESERVED.contains(name)) {
        throw syntax(text, "a value is expected where '" + name + "' is", token.pos());
      }
      if (!type.hasProperty(name)) {
        throw DataverseException.propertyNotFound(name, type);
      }
      ColumnKind kind = name.equals(type.keyName()) ? ColumnKind.LOOKUP : type.columns().get(name);
      return new Property(name, Type.of(kind));
    }

    private Node call(Token token) {
      String name = token.text();
      if (!STRING_FUNCTIONS.contains(name)) {
        if (OTHER_FUNCTIONS.contains(name)) {
          throw syntax(
              text, "the sandbox does not support the function '" + name + "'", token.pos());
        }
        throw DataverseException.syntax(
            "An unknown function with name '"
                + name
                + "' was found. This may also be a function import or a key lookup on a"
                + " navigation property, which is not allowed.");
      }
      next++; // (
      Node first = expression();
      expect(Kind.COMMA, "','");
      Node second = expression();
      expect(Kind.RPAREN, "')'");
      if (!isText(first) || !isText(second)) {
        throw DataverseException.syntax(
            "No function signature for the function with name '"
                + name
                + "' matches the specified arguments. The function signatures considered are: "
                + name
                + "(Edm.String Nullable=true, Edm.String Nullable=true).");
      }
      if (!(first instanceof Property property)
          || !(second instanceof Literal literal)
          || literal.value() == null) {
        throw syntax(
            text,
            "the sandbox supports " + name + "(property,'text') only, with a text literal",
            token.pos());
      }
      return new Call(name, property, (String) literal.value());
    }

    private static boolean isText(Node node) {
      return node.type() == Type.STRING || node.type() == Type.NULL;
    }

    private Node literal(Token token) {
      if (token.kind() == Kind.STRING) {
        return new Literal(token.value(), Type.STRING);
      }
      if (token.kind() == Kind.GUID) {
        return new Literal(token.value(), Type.GUID);
      }
      BigDecimal number = (BigDecimal) token.value();
      Type numberType;
      if (token.text().contains(".")) {
        numberType = Type.DECIMAL;
      } else if (number.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) >= 0
          && number.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
        numberType = Type.INT32;
      } else if (number.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0
          && number.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
        numberType = Type.INT64;
      } else {
        numberType = Type.DECIMAL;
      }
      return new Literal(number, numberType);
    }

    /** {@code @p}: the value of the query parameter {@code @p}, which must be one literal. */
    private Node alias(Token token) {
      String value = aliases.get("@" + token.text());
      if (value == null) {
        throw syntax(text, "the parameter alias '@" + token.text() + "' has no value", token.pos());
      }
      List<Token> inner = new Lexer(value, text).tokens();
      Token literal = inner.get(0);
      boolean single = inner.size() == 2;
      if (single
          && (literal.kind() == Kind.STRING
              || literal.kind() == Kind.NUMBER
              || literal.kind() == Kind.GUID)) {
        return literal(literal);
      }
      if (single && literal.kind() == Kind.WORD) {
        switch (literal.text()) {
          case "null" -> {
            return new Literal(null, Type.NULL);
          }
          case "true", "false" -> {
            return new Literal(Boolean.valueOf(literal.text()), Type.BOOLEAN);
          }
          default -> {
            // not a literal, below
          }
        }
      }
      throw syntax(
          text,
          "the sandbox supports only a literal as the value of '@" + token.text() + "'",
          token.pos());
    }

    private void expect(Kind kind, String what) {
      Token token = tokens.get(next);
      if (token.kind() != kind) {
        throw syntax(
            text,
            token.kind() == Kind.END
                ? what + " is missing at the end"
                : "expected " + what + " where '" + token.text() + "' is",
            token.pos());
      }
      next++;
    }

    private boolean word(String keyword) {
      Token token = peek();
      return token.kind() == Kind.WORD && token.text().equals(keyword);
    }

    private Token peek() {
      return tokens.get(next);
    }

    private static DataverseException incompatible(Node left, Node right, String operatorKind) {
      return DataverseException.syntax(
          "A binary operator with incompatible types was detected. Found operand types '"
              + left.type().edm
              + "' and '"
              + right.type().edm
              + "' for operator kind '"
              + operatorKind
              + "'.");
    }
  }

  private static DataverseException syntax(String text, String detail, int position) {
    return DataverseException.syntax(
        "Invalid $filter '" + text + "': " + detail + " at position " + position + ".");
  }
}
