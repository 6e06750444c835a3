package io.dynagate.sandbox;

import io.dynagate.sandbox.EntityType.ColumnKind;
import io.dynagate.sandbox.OrderBy.Key;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The position a {@code $skiptoken} carries, shaped like Dataverse's: an XML cookie whose paging
 * cookie (URL-encoded once more, lower-case escapes) holds, for each sort key and then the primary
 * key, the values of the last and first rows of the page sent ({@code lastnull="1"} for a null).
 * The next page starts after the last row in the sort order, so paging stays right under any {@code
 * $orderby} and while rows are added or removed.
 *
 * @param pageNumber the number of the page this cookie asks for
 * @param last the sort values of the last row already sent, one per sort key
 * @param first the sort values of the first row of that page
 */
record PageCookie(int pageNumber, List<Object> last, List<Object> first) {

  private static final Pattern OUTER =
      Pattern.compile("<cookie pagenumber=\"(\\d+)\" pagingcookie=\"([^\"]*)\"");
  private static final Pattern INNER =
      Pattern.compile(
          "<cookie page=\"\\d+\">((?:<[A-Za-z_][A-Za-z0-9_]*(?: [a-z]+=\"[^\"]*\")* />)*)</cookie>");
  private static final Pattern ELEMENT =
      Pattern.compile("<([A-Za-z_][A-Za-z0-9_]*)((?: [a-z]+=\"[^\"]*\")*) />");
  private static final Pattern ATTRIBUTE = Pattern.compile(" ([a-z]+)=\"([^\"]*)\"");

  /** The {@code $skiptoken} value (not yet URL-encoded for the query string). */
  String skipToken(EntityType type, List<Key> sortKeys) {
    StringBuilder inner = new StringBuilder("<cookie page=\"").append(pageNumber - 1).append("\">");
    for (int i = 0; i < sortKeys.size(); i++) {
      inner.append('<').append(sortKeys.get(i).property());
      attribute(inner, "last", last.get(i));
      attribute(inner, "first", first.get(i));
      inner.append(" />");
    }
    inner.append("</cookie>");
    return "<cookie pagenumber=\""
        + pageNumber
        + "\" pagingcookie=\""
        + lowerCaseEscapes(QueryString.encode(inner.toString(), ""))
        + "\" istracking=\"False\" />";
  }

  /**
   * Reads a {@code $skiptoken} written for the same sort keys.
   *
   * @throws DataverseException 400 when it is malformed or was written for another order
   */
  static PageCookie parse(String skipToken, EntityType type, List<Key> sortKeys) {
    Matcher outer = OUTER.matcher(skipToken);
    if (outer.find()) {
      Matcher inner = INNER.matcher(QueryString.decode(outer.group(2)));
      if (inner.matches()) {
        try {
          return read(Integer.parseInt(outer.group(1)), inner.group(1), type, sortKeys);
        } catch (IllegalArgumentException e) {
          // falls through to the error below
        }
      }
    }
    throw invalid();
  }

  private static PageCookie read(int pageNumber, String elements, EntityType type, List<Key> keys) {
    List<Object> last = new ArrayList<>();
    List<Object> first = new ArrayList<>();
    Matcher element = ELEMENT.matcher(elements);
    int i = 0;
    while (element.find()) {
      if (i >= keys.size() || !element.group(1).equals(keys.get(i).property())) {
        throw invalid();
      }
      ColumnKind kind =
          element.group(1).equals(type.keyName())
              ? ColumnKind.LOOKUP
              : type.columns().get(element.group(1));
      List<String> names = new ArrayList<>();
      List<String> values = new ArrayList<>();
      Matcher attribute = ATTRIBUTE.matcher(element.group(2));
      while (attribute.find()) {
        names.add(attribute.group(1));
        values.add(unescape(attribute.group(2)));
      }
      last.add(value(kind, "last", names, values));
      first.add(value(kind, "first", names, values));
      i++;
    }
    if (i != keys.size()) {
      throw invalid();
    }
    return new PageCookie(pageNumber, last, first);
  }

  private static Object value(
      ColumnKind kind, String name, List<String> names, List<String> values) {
    if (names.contains(name + "null")) {
      return null;
    }
    int at = names.indexOf(name);
    if (at < 0) {
      throw invalid();
    }
    String text = values.get(at);
    if (kind == ColumnKind.LOOKUP) {
      if (!text.startsWith("{") || !text.endsWith("}")) {
        throw invalid();
      }
      return UUID.fromString(text.substring(1, text.length() - 1));
    }
    return ColumnValues.typed(kind, text);
  }

  private static void attribute(StringBuilder sb, String name, Object value) {
    if (value == null) {
      sb.append(' ').append(name).append("null=\"1\"");
      return;
    }
    String text =
        value instanceof UUID
            ? "{" + value + "}"
            : value instanceof BigDecimal d ? d.toPlainString() : value.toString();
    sb.append(' ').append(name).append("=\"").append(escape(text)).append('"');
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static String unescape(String s) {
    return s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }

  /** {@code %3C} → {@code %3c}, as Dataverse writes its paging cookies; the rest unchanged. */
  private static String lowerCaseEscapes(String encoded) {
    StringBuilder sb = new StringBuilder(encoded);
    for (int i = sb.indexOf("%"); i >= 0 && i + 2 < sb.length(); i = sb.indexOf("%", i + 3)) {
      sb.setCharAt(i + 1, Character.toLowerCase(sb.charAt(i + 1)));
      sb.setCharAt(i + 2, Character.toLowerCase(sb.charAt(i + 2)));
    }
    return sb.toString();
  }

  private static DataverseException invalid() {
    return DataverseException.syntax("The $skiptoken value is not valid.");
  }
}
