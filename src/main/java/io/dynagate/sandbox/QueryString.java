package io.dynagate.sandbox;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw query strings: split into parameters that keep their raw form (so links can be rebuilt
 * unchanged) next to the decoded one, and percent-encoding for values the sandbox writes.
 */
final class QueryString {

  /** One {@code name=value}, raw as received and decoded. */
  record Param(String rawName, String rawValue, String name, String value) {

    String raw() {
      return rawValue == null ? rawName : rawName + "=" + rawValue;
    }
  }

  private QueryString() {}

  /** Parameters in order; empty for a null or empty query. */
  static List<Param> parse(String rawQuery) {
    List<Param> params = new ArrayList<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String rawName = eq < 0 ? pair : pair.substring(0, eq);
      String rawValue = eq < 0 ? null : pair.substring(eq + 1);
      params.add(
          new Param(rawName, rawValue, decode(rawName), rawValue == null ? "" : decode(rawValue)));
    }
    return params;
  }

  /**
   * Percent-decodes {@code s} as UTF-8, {@code +} meaning a space.
   *
   * @throws DataverseException for a broken escape
   */
  static String decode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '+') {
        out.write(' ');
      } else if (c == '%') {
        if (i + 2 >= s.length()) {
          throw DataverseException.syntax("Invalid percent-encoding in the query string.");
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw DataverseException.syntax("Invalid percent-encoding in the query string.");
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
          bytes = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        out.write(bytes, 0, bytes.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Percent-encodes everything but RFC 3986 unreserved characters and {@code keep}. */
  static String encode(String s, String keep) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~".indexOf(c) >= 0
          || keep.indexOf(c) >= 0) {
        sb.append(c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)));
        sb.append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return sb.toString();
  }
}
