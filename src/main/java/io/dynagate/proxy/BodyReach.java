package io.dynagate.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which entity sets a write body ({@code POST}, {@code PATCH}, {@code PUT}) touches beyond the one
 * in the path, for grants limited to entity sets:
 *
 * <ul>
 *   <li>{@code "nav@odata.bind": "/contacts(…)"} (or a list of them) binds records of {@code
 *       contacts}: the grant must list {@code contacts} too;
 *   <li>a nested object or array ({@code "primarycontactid": {…}}, deep insert) creates records in
 *       a set the gateway cannot name without {@code $metadata}: {@link #unknown()};
 *   <li>a body that is not one JSON object, or does not parse: {@link #unknown()}.
 * </ul>
 *
 * Scalars and other annotations ({@code @odata.type}) touch nothing else. Pure and thread-safe.
 *
 * @param unknown the body may reach sets that cannot be named
 * @param boundSets entity sets named by {@code @odata.bind} values
 */
public record BodyReach(boolean unknown, Set<String> boundSets) {
  /** A body that touches nothing beyond the path's entity set (also: no body). */
  public static final BodyReach NONE = new BodyReach(false, Set.of());

  /** A body whose reach cannot be told. */
  public static final BodyReach UNKNOWN = new BodyReach(true, Set.of());

  private static final JsonFactory JSON = new JsonFactory();
  private static final Pattern SET_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern API_PREFIX = Pattern.compile("api/data/v[0-9]+\\.[0-9]+/");
  private static final String BIND = "@odata.bind";

  /** Methods whose body is checked. */
  public static final Set<String> BODY_METHODS = Set.of("POST", "PATCH", "PUT");

  /** {@code application/json} with any parameters. */
  public static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    return type.toLowerCase(Locale.ROOT).equals("application/json");
  }

  /** The reach of a JSON body; an empty or blank body reaches nothing. */
  public static BodyReach of(byte[] body) {
    if (body == null || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      return NONE;
    }
    Set<String> bound = new LinkedHashSet<>();
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return UNKNOWN;
      }
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.toLowerCase(Locale.ROOT).endsWith(BIND)) {
          if (!bind(p, value, bound)) {
            return UNKNOWN;
          }
        } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          return UNKNOWN; // deep insert or an unknown structure
        }
      }
      if (p.nextToken() != null) {
        return UNKNOWN; // trailing content
      }
    } catch (IOException | RuntimeException e) {
      return UNKNOWN;
    }
    return bound.isEmpty() ? NONE : new BodyReach(false, Set.copyOf(bound));
  }

  /** Reads a bind value (a string or an array of strings) into {@code bound}. */
  private static boolean bind(JsonParser p, JsonToken value, Set<String> bound) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return add(p.getText(), bound);
    }
    if (value != JsonToken.START_ARRAY) {
      return false;
    }
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.VALUE_STRING || !add(p.getText(), bound)) {
        return false;
      }
    }
    return true;
  }

  /** {@code /contacts(…)}, {@code contacts(…)}, {@code https://org/api/data/v9.2/contacts(…)}. */
  static boolean add(String reference, Set<String> bound) {
    String r = reference.trim();
    int scheme = r.indexOf("://");
    if (scheme >= 0) {
      int path = r.indexOf('/', scheme + 3);
      r = path < 0 ? "" : r.substring(path);
    }
    while (r.startsWith("/")) {
      r = r.substring(1);
    }
    java.util.regex.Matcher m = API_PREFIX.matcher(r);
    if (m.lookingAt()) {
      r = r.substring(m.end());
    }
    int paren = r.indexOf('(');
    if (paren <= 0 || !r.endsWith(")") || r.indexOf('/') >= 0) {
      return false;
    }
    String name = r.substring(0, paren);
    if (!SET_NAME.matcher(name).matches()) {
      return false;
    }
    bound.add(name);
    return true;
  }
}
