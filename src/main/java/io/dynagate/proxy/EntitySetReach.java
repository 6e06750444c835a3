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
    String[] segments = path.split("/", -1);
    int resource;
    if (segments[0].matches("\\$[0-9]+")) {
      resource = 0;
    } else if (segments.length >= 4 && segments[0].equals("api") && segments[1].equals("data")) {
      resource = 3;
    } else {
      return true;
    }
    int after = segments.length - resource - 1;
    if (after == 0) {
      return false;
    }
    if (after == 1) {
      String next = segments[resource + 1];
      return !(next.isEmpty() || next.equals("$count"));
    }
    return true;
  }

  static boolean queryBeyond(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return false;
    }
    for (String pair : rawQuery.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (name == null || value == null) {
        return true;
      }
      String lower = name.toLowerCase(Locale.ROOT);
      boolean alias = lower.startsWith("@");
      if (!alias && !PLAIN_OPTIONS.contains(lower)) {
        return true;
      }
      if ((alias || EXPRESSION_OPTIONS.contains(lower)) && slashOutsideLiterals(value)) {
        return true;
      }
    }
    return false;
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
