package io.dynagate.proxy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Whether a request could read or change data outside the entity set it names, which matters for
 * grants limited to entity sets. Without the org's {@code $metadata} the gateway cannot tell a
 * navigation property from a plain one, so the rule is deliberately strict (deny by default):
 *
 * <ul>
 *   <li>path: nothing may follow {@code set} or {@code set(key)} except {@code $count}. {@code
 *       accounts(…)/primarycontactid}, {@code …/contact_customer_accounts}, {@code …/name/$value},
 *       {@code …/$ref} and bound operations {@code accounts(…)/Microsoft.Dynamics.CRM.X} reach
 *       beyond. Inside a {@code $batch}, {@code $1/…} counts the same way.
 *   <li>query: only {@code $select $filter $orderby $top $skip $count $skiptoken} and parameter
 *       aliases {@code @name} (names compared case-insensitively after percent-decoding). {@code
 *       $expand}, {@code $apply}, {@code fetchXml}, {@code savedQuery}, {@code userQuery} and
 *       anything unknown reach beyond.
 *   <li>values of {@code $select $filter $orderby} and aliases: a {@code /} outside quoted string
 *       literals (a navigation path or an {@code any}/{@code all} lambda) reaches beyond.
 * </ul>
 *
 * Pure and thread-safe.
 */
public final class EntitySetReach {
  private static final Set<String> PLAIN_OPTIONS =
      Set.of("$select", "$filter", "$orderby", "$top", "$skip", "$count", "$skiptoken");

  /** Options whose values are expressions that could name a navigation path. */
  private static final Set<String> EXPRESSION_OPTIONS = Set.of("$select", "$filter", "$orderby");

  private static final String API_DATA = "api/data/";
  private static final String COUNT = "$count";

  private EntitySetReach() {}

  /**
   * @param path a canonical proxy path ({@code api/data/v9.2/accounts(…)}) or a {@code $batch}
   *     reference ({@code $1/…})
   * @param rawQuery the undecoded query without {@code ?}, or null
   */
  public static boolean beyond(String path, String rawQuery) {
    return pathBeyond(path) || queryBeyond(rawQuery);
  }

  static boolean pathBeyond(String path) {
    int firstSlash = path.indexOf('/');
    int resourceStart;
    if (isBatchReference(path, firstSlash < 0 ? path.length() : firstSlash)) {
      resourceStart = 0;
    } else if (path.startsWith(API_DATA)) {
      int versionEnd = path.indexOf('/', API_DATA.length());
      if (versionEnd < 0) {
        return true; // no entity set after the version
      }
      resourceStart = versionEnd + 1;
    } else {
      return true;
    }
    int resourceEnd = path.indexOf('/', resourceStart);
    if (resourceEnd < 0) {
      return false;
    }
    int next = resourceEnd + 1;
    if (path.indexOf('/', next) >= 0) {
      return true; // two or more segments after the entity set
    }
    int nextLength = path.length() - next;
    return !(nextLength == 0 || (nextLength == COUNT.length() && path.startsWith(COUNT, next)));
  }

  /** {@code path[0, end)} is {@code $} and one or more ASCII digits, a {@code $batch} reference. */
  private static boolean isBatchReference(String path, int end) {
    if (end < 2 || path.charAt(0) != '$') {
      return false;
    }
    for (int i = 1; i < end; i++) {
      char c = path.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  static boolean queryBeyond(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return false;
    }
    int length = rawQuery.length();
    for (int start = 0; start <= length; ) {
      int amp = rawQuery.indexOf('&', start);
      int end = amp < 0 ? length : amp;
      if (end > start && pairBeyond(rawQuery, start, end)) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  /** The query's {@code name[=value]} pair at {@code [start, end)}, not empty, reaches beyond. */
  private static boolean pairBeyond(String rawQuery, int start, int end) {
    int eq = rawQuery.indexOf('=', start);
    if (eq >= end) {
      eq = -1;
    }
    String name = decode(rawQuery.substring(start, eq < 0 ? end : eq));
    String value = eq < 0 ? "" : decode(rawQuery.substring(eq + 1, end));
    if (name == null || value == null) {
      return true;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    boolean alias = lower.startsWith("@");
    if (!alias && !PLAIN_OPTIONS.contains(lower)) {
      return true;
    }
    return (alias || EXPRESSION_OPTIONS.contains(lower)) && slashOutsideLiterals(value);
  }

  /** True when {@code /} occurs outside single-quoted OData string literals. */
  static boolean slashOutsideLiterals(String expression) {
    boolean inLiteral = false;
    for (int i = 0; i < expression.length(); i++) {
      char c = expression.charAt(i);
      if (c == '\'') {
        inLiteral = !inLiteral; // '' inside a literal toggles twice: still inside
      } else if (c == '/' && !inLiteral) {
        return true;
      }
    }
    return false;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
