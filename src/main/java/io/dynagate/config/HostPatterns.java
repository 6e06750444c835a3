package io.dynagate.config;

import java.util.List;
import java.util.Locale;

/**
 * Host patterns of contract section 1: {@code *.example.com} matches one or more leading labels, a
 * pattern without {@code *} matches exactly. The port is never part of the match.
 */
public final class HostPatterns {
  private HostPatterns() {}

  public static boolean matchesAny(String host, List<String> patterns) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    for (String raw : patterns) {
      String p = raw.trim().toLowerCase(Locale.ROOT);
      if (p.startsWith("*.")) {
        String suffix = p.substring(1); // ".example.com"
        if (h.endsWith(suffix) && h.length() > suffix.length() && !h.startsWith(".")) {
          return true;
        }
      } else if (!p.isEmpty() && h.equals(p)) {
        return true;
      }
    }
    return false;
  }
}
