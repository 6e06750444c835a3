package io.dynagate.support;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The secrets a test planted or learned, and every answer the gateway gave it. {@link
 * #assertNoLeak} then searches the logs, the metrics and each answer (status line, headers, body)
 * for every secret, whole and in fragments, so that a truncated copy is found too.
 */
public final class LeakScan {
  private final Map<String, String> secrets = new LinkedHashMap<>(); // value -> label
  private final List<String> answers = new ArrayList<>();

  /** A new unique value, remembered as a secret. */
  public String plant(String label) {
    return secret(label, "PLANTED-" + label + "-" + UUID.randomUUID());
  }

  /** Remembers a secret the test did not make itself (a key, an issued token). */
  public String secret(String label, String value) {
    if (value == null || value.length() < 8) {
      throw new IllegalArgumentException("too short to search for: " + label);
    }
    secrets.putIfAbsent(value, label);
    return value;
  }

  /** Keeps a gateway answer for the search. */
  public Response record(Response r) {
    answers.add(r.getStatusLine() + "\n" + r.getHeaders() + "\n\n" + r.asString());
    return r;
  }

  /** Keeps a raw answer (status line, headers and body as received). */
  public RawHttp.Answer record(RawHttp.Answer a) {
    answers.add(a.text());
    return a;
  }

  public int secrets() {
    return secrets.size();
  }

  public int answers() {
    return answers.size();
  }

  /** Fails naming the secret's label and where it was found, never printing the secret itself. */
  public void assertNoLeak(String logs, String metrics) {
    assertTrue(!answers.isEmpty() && !secrets.isEmpty(), "nothing to search; proves nothing");
    secrets.forEach(
        (value, label) -> {
          for (String piece : fragments(value)) {
            find(logs, piece, label, "the logs");
            find(metrics, piece, label, "the metrics");
            for (int i = 0; i < answers.size(); i++) {
              find(answers.get(i), piece, label, "answer #" + i);
            }
          }
        });
  }

  /**
   * Fails when any secret (whole or a fragment) is in {@code text}, naming {@code where}; for
   * stores and log extracts that are neither the logs nor an answer (an audit table dump).
   */
  public void assertNotIn(String where, String text) {
    assertTrue(!secrets.isEmpty() && !text.isEmpty(), "nothing to search; proves nothing");
    secrets.forEach(
        (value, label) -> {
          for (String piece : fragments(value)) {
            find(text, piece, label, where);
          }
        });
  }

  /** The whole value and two 16-character pieces of it (its end and its middle). */
  static List<String> fragments(String value) {
    if (value.length() < 24) {
      return List.of(value);
    }
    int mid = value.length() / 2;
    return List.of(value, value.substring(value.length() - 16), value.substring(mid - 8, mid + 8));
  }

  private static void find(String text, String piece, String label, String where) {
    int at = text.indexOf(piece);
    if (at >= 0) {
      String around =
          text.substring(Math.max(0, at - 300), Math.min(text.length(), at + piece.length() + 100))
              .replace(piece, "<" + label + ">");
      fail(
          "secret '"
              + label
              + "' reached "
              + where
              + " in the record starting "
              + recordStart(text, at).replace(piece, "<" + label + ">")
              + "\nnear:\n"
              + around);
    }
  }

  /** The first line of the log record (level and logger) holding position {@code at}. */
  private static String recordStart(String text, int at) {
    int best = -1;
    for (String level :
        List.of("TRACE ", "DEBUG ", "INFO ", "WARN ", "ERROR ", "FINE", "SEVERE ")) {
      best = Math.max(best, text.lastIndexOf("\n" + level, at));
    }
    int start = best < 0 ? 0 : best + 1;
    int end = text.indexOf(' ', text.indexOf(' ', start) + 1);
    return text.substring(start, end < 0 || end > at ? Math.min(text.length(), start + 80) : end);
  }
}
