package io.dynagate.proxy;

import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Decides whether a raw proxy request target may be forwarded, and canonicalises it into a {@link
 * ProxyPath} (contract section 4). The target is never decoded or rewritten: what passes is sent
 * upstream byte for byte, so the checks reject everything whose meaning could differ between the
 * gateway and Dataverse (dot segments, encoded dots, slashes, backslashes or percent signs, control
 * characters, absolute forms).
 *
 * <p>Rejections throw {@link ProblemCode#PATH_NOT_ALLOWED} with a fixed reason that never echoes
 * the input. The upstream host always comes from the connection; this class only guarantees that
 * the path cannot change it when appended after {@code {orgUrl}/}.
 *
 * <p>{@code @} is allowed in the path: Dataverse uses it for function parameter aliases ({@code
 * RetrieveCurrentOrganization(AccessType=@p1)?@p1=…}) and in alternate keys holding e-mail
 * addresses, and after {@code {orgUrl}/} it cannot act as userinfo.
 *
 * <p>Immutable and thread-safe.
 */
public final class PathPolicy {
  private static final Pattern API_VERSION = Pattern.compile("v[0-9]+\\.[0-9]+");

  /** Entity sets, functions and actions ({@code Microsoft.Dynamics.CRM.WhoAmI}), {@code $batch}. */
  private static final Pattern RESOURCE_NAME =
      Pattern.compile("\\$?[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

  /** RFC 3986 {@code pchar} plus {@code /}; {@code %} is checked separately. */
  private static final boolean[] PATH_CHARS = new boolean[128];

  static {
    for (char c = 'a'; c <= 'z'; c++) {
      PATH_CHARS[c] = true;
      PATH_CHARS[Character.toUpperCase(c)] = true;
    }
    for (char c = '0'; c <= '9'; c++) {
      PATH_CHARS[c] = true;
    }
    for (char c : "-._~!$&'()*+,;=:@/".toCharArray()) {
      PATH_CHARS[c] = true;
    }
  }

  private final List<String> prefixes;

  /**
   * @param allowedPrefixes path prefixes a target must start with, compared case-sensitively on
   *     whole segments; a trailing {@code /} is optional ({@code api/data/} and {@code api/data}
   *     are the same prefix). Callers default to {@code api/data/}.
   * @throws IllegalArgumentException when the list is empty or a prefix is not a canonical path
   */
  public PathPolicy(List<String> allowedPrefixes) {
    Objects.requireNonNull(allowedPrefixes, "allowedPrefixes");
    if (allowedPrefixes.isEmpty()) {
      throw new IllegalArgumentException("at least one allowed path prefix is required");
    }
    List<String> normalized = new ArrayList<>();
    for (String prefix : allowedPrefixes) {
      normalized.add(normalizePrefix(prefix));
    }
    this.prefixes = List.copyOf(normalized);
  }

  /**
   * Checks a raw target and returns its canonical form.
   *
   * @param rawTarget the undecoded request target after {@code /proxy/{connectionId}/}: a path plus
   *     an optional {@code ?query}, e.g. {@code api/data/v9.2/accounts?$select=name&$top=2}
   * @return the path, query, entity set and batch flag to authorise and forward
   * @throws GatewayProblem {@code path_not_allowed} when the target is outside the allowed prefixes
   *     or not canonical
   */
  public ProxyPath check(String rawTarget) {
    if (rawTarget == null || rawTarget.isEmpty()) {
      throw reject("The path is empty.");
    }
    int q = rawTarget.indexOf('?');
    String path = q < 0 ? rawTarget : rawTarget.substring(0, q);
    String query = q < 0 ? null : rawTarget.substring(q + 1);

    if (path.isEmpty()) {
      throw reject("The path is empty.");
    }
    checkPathCharacters(path);
    if (path.startsWith("/")) {
      throw reject("Absolute and protocol-relative paths are not allowed.");
    }
    if (path.contains("://") || path.substring(0, segmentEnd(path, 0)).indexOf(':') >= 0) {
      throw reject("Absolute URLs are not allowed.");
    }
    String[] segments = path.split("/", -1);
    checkSegments(segments);
    if (!hasAllowedPrefix(path)) {
      throw reject("The path is outside the allowed prefixes.");
    }
    checkQuery(query);

    String entitySet = entitySet(segments);
    return new ProxyPath(
        path,
        query == null || query.isEmpty() ? null : query,
        entitySet,
        "$batch".equalsIgnoreCase(entitySet));
  }

  private static void checkPathCharacters(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw reject("Control characters are not allowed in the path.");
      }
      if (c > 0x7f) {
        throw reject("Raw non-ASCII characters are not allowed in the path.");
      }
      if (c == '\\') {
        throw reject("Backslashes are not allowed in the path.");
      }
      if (c == '%') {
        checkPercentEncoding(path, i);
        i += 2;
      } else if (!PATH_CHARS[c]) {
        throw reject("The path contains a character that must be percent-encoded.");
      }
    }
  }

  private static void checkPercentEncoding(String path, int at) {
    int hi = at + 1 < path.length() ? Character.digit(path.charAt(at + 1), 16) : -1;
    int lo = at + 2 < path.length() ? Character.digit(path.charAt(at + 2), 16) : -1;
    if (hi < 0 || lo < 0 || path.charAt(at + 1) > 0x7f || path.charAt(at + 2) > 0x7f) {
      throw reject("The path has an invalid percent-encoding.");
    }
    int b = hi * 16 + lo;
    if (b == '.' || b == '/' || b == '\\' || b == '%') {
      throw reject("Encoded dots, slashes, backslashes and percent signs are not allowed.");
    }
    if (b < 0x20 || b == 0x7f) {
      throw reject("Control characters are not allowed in the path.");
    }
  }

  private static void checkSegments(String[] segments) {
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      boolean last = i == segments.length - 1;
      if (segment.isEmpty() && !last) {
        throw reject("Empty path segments are not allowed.");
      }
      if (!segment.isEmpty() && segment.chars().allMatch(c -> c == '.')) {
        throw reject("Dot segments are not allowed.");
      }
    }
  }

  private boolean hasAllowedPrefix(String path) {
    for (String prefix : prefixes) {
      if (path.equals(prefix) || path.startsWith(prefix + "/")) {
        return true;
      }
    }
    return false;
  }

  private static void checkQuery(String query) {
    if (query == null) {
      return;
    }
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw reject("Control characters are not allowed in the query.");
      }
      if (c == ' ') {
        throw reject("Spaces in the query must be percent-encoded.");
      }
      if (c == '#') {
        throw reject("Fragments are not allowed.");
      }
      if (c > 0x7f) {
        throw reject("Raw non-ASCII characters are not allowed in the query.");
      }
    }
  }

  /**
   * The resource name after {@code api/data/v{x}.{y}/}. Under {@code api/data/} the version segment
   * and the name must be well-formed: a name Dataverse would decode differently from the gateway
   * ({@code %24batch}, {@code $BATCH.}) could otherwise slip past grants or batch inspection.
   */
  private static String entitySet(String[] segments) {
    if (segments.length < 3 || !segments[0].equals("api") || !segments[1].equals("data")) {
      return null;
    }
    if (segments[2].isEmpty()) {
      return null;
    }
    if (!API_VERSION.matcher(segments[2]).matches()) {
      throw reject("The API version segment is not of the form v{major}.{minor}.");
    }
    if (segments.length < 4 || segments[3].isEmpty()) {
      return null;
    }
    String segment = segments[3];
    int paren = segment.indexOf('(');
    String name = paren < 0 ? segment : segment.substring(0, paren);
    if (!RESOURCE_NAME.matcher(name).matches()) {
      throw reject("The path does not name an entity set, function or action.");
    }
    return name;
  }

  private static int segmentEnd(String path, int from) {
    int slash = path.indexOf('/', from);
    return slash < 0 ? path.length() : slash;
  }

  private static String normalizePrefix(String prefix) {
    if (prefix == null) {
      throw new IllegalArgumentException("allowed path prefix must not be null");
    }
    String p = prefix.trim();
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.isEmpty() || p.startsWith("/")) {
      throw new IllegalArgumentException("allowed path prefix must be a relative, non-empty path");
    }
    for (String segment : p.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("allowed path prefix must be canonical");
      }
      if (segment.indexOf('%') >= 0 || segment.indexOf('\\') >= 0 || segment.indexOf('?') >= 0) {
        throw new IllegalArgumentException("allowed path prefix must be canonical");
      }
    }
    return p;
  }

  private static GatewayProblem reject(String reason) {
    return GatewayProblem.of(ProblemCode.PATH_NOT_ALLOWED, reason);
  }
}
