package io.dynagate.sandbox;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A small hand parser for the {@code multipart/mixed} bodies of {@code $batch}: parts, their
 * headers and bodies, and the HTTP messages inside {@code application/http} parts. Lenient about
 * bare LF line ends, strict about boundaries.
 */
final class Multipart {

  /** One part: its MIME headers and its content. */
  record Part(MultiMap headers, String content) {}

  /** An HTTP request written inside an {@code application/http} part. */
  record HttpMessage(String method, String target, MultiMap headers, String body) {}

  private Multipart() {}

  /** The {@code boundary} parameter of a {@code multipart/mixed} content type. */
  static Optional<String> boundary(String contentType) {
    if (contentType == null
        || !contentType.trim().toLowerCase(Locale.ROOT).startsWith("multipart/mixed")) {
      return Optional.empty();
    }
    for (String param : contentType.split(";")) {
      String p = param.trim();
      if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
        String value = p.substring("boundary=".length()).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
      }
    }
    return Optional.empty();
  }

  /**
   * The parts between {@code --boundary} lines, up to {@code --boundary--}.
   *
   * @throws DataverseException 400 when there is no closing delimiter
   */
  static List<Part> parts(String body, String boundary) {
    String delimiter = "--" + boundary;
    String close = delimiter + "--";
    List<Part> parts = new ArrayList<>();
    List<String> current = null;
    boolean closed = false;
    for (String line : body.split("\r?\n", -1)) {
      String trimmed = line.stripTrailing();
      if (trimmed.equals(close)) {
        if (current != null) {
          parts.add(part(current));
        }
        closed = true;
        break;
      }
      if (trimmed.equals(delimiter)) {
        if (current != null) {
          parts.add(part(current));
        }
        current = new ArrayList<>();
      } else if (current != null) {
        current.add(line);
      }
    }
    if (!closed) {
      throw DataverseException.syntax(
          "The multipart body has no closing delimiter '" + close + "'.");
    }
    return parts;
  }

  /**
   * The request inside an {@code application/http} part: request line, headers, body.
   *
   * @throws DataverseException 400 when the request line is malformed
   */
  static HttpMessage request(String content) {
    List<String> lines = List.of(content.split("\r?\n", -1));
    int i = 0;
    while (i < lines.size() && lines.get(i).isBlank()) {
      i++;
    }
    String[] requestLine = i < lines.size() ? lines.get(i).trim().split("\\s+") : new String[0];
    if (requestLine.length < 2 || requestLine.length > 3) {
      throw DataverseException.syntax(
          "A batch part does not start with an HTTP request line such as 'GET accounts"
              + " HTTP/1.1'.");
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    i = headers(lines, i + 1, headers);
    return new HttpMessage(
        requestLine[0].toUpperCase(Locale.ROOT), requestLine[1], headers, rest(lines, i));
  }

  private static Part part(List<String> lines) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    int i = headers(lines, 0, headers);
    return new Part(headers, rest(lines, i));
  }

  /** Reads header lines from {@code start} up to the blank line; returns the index after it. */
  private static int headers(List<String> lines, int start, MultiMap headers) {
    int i = start;
    for (; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        return i + 1;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw DataverseException.syntax("A batch part has a malformed header line.");
      }
      headers.add(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
    }
    return i;
  }

  /** Lines from {@code start} joined with CRLF, without the trailing blank lines. */
  private static String rest(List<String> lines, int start) {
    int end = lines.size();
    while (end > start && lines.get(end - 1).isBlank()) {
      end--;
    }
    return start >= end ? "" : String.join("\r\n", lines.subList(start, end));
  }
}
