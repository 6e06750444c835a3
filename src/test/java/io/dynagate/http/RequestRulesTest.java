package io.dynagate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpVersion;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The framing rules, table-driven: header lines as a caller sends them, and the refusal. */
class RequestRulesTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(HttpVersion.HTTP_1_1, new String[] {"Host: a"}, null),
        Arguments.of(
            HttpVersion.HTTP_1_1, new String[] {"Host: a", "Host: b"}, RequestRules.TWO_HOSTS),
        Arguments.of(
            HttpVersion.HTTP_1_1, new String[] {"Host: a", "Host: a"}, RequestRules.TWO_HOSTS),
        Arguments.of(
            HttpVersion.HTTP_1_1, new String[] {"Host: a", "Transfer-Encoding: chunked"}, null),
        Arguments.of(
            HttpVersion.HTTP_1_1, new String[] {"Host: a", "Transfer-Encoding: CHUNKED"}, null),
        Arguments.of(
            HttpVersion.HTTP_1_1,
            new String[] {"Host: a", "Transfer-Encoding: xchunked", "Content-Length: 3"},
            RequestRules.TE_NOT_CHUNKED),
        Arguments.of(
            HttpVersion.HTTP_1_1,
            new String[] {"Host: a", "Transfer-Encoding: chunked, gzip"},
            RequestRules.TE_NOT_CHUNKED),
        Arguments.of(
            HttpVersion.HTTP_1_1,
            new String[] {"Host: a", "Transfer-Encoding: chunked;x=1"},
            RequestRules.TE_NOT_CHUNKED),
        Arguments.of(
            HttpVersion.HTTP_1_1,
            new String[] {"Host: a", "Transfer-Encoding: "},
            RequestRules.TE_NOT_CHUNKED),
        Arguments.of(
            HttpVersion.HTTP_1_1,
            new String[] {"Host: a", "Transfer-Encoding: gzip, chunked"},
            RequestRules.TE_NOT_ONLY_CHUNKED),
        Arguments.of(
            HttpVersion.HTTP_1_1,
            new String[] {"Host: a", "Transfer-Encoding: gzip", "Transfer-Encoding: chunked"},
            RequestRules.TE_NOT_ONLY_CHUNKED),
        Arguments.of(
            HttpVersion.HTTP_1_0,
            new String[] {"Transfer-Encoding: chunked"},
            RequestRules.TE_IN_HTTP_1_0),
        Arguments.of(HttpVersion.HTTP_1_0, new String[] {}, null),
        Arguments.of(HttpVersion.HTTP_2, new String[] {"Host: a", "Host: b"}, null));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void refusesWhatRfc9112SaysMustNotBeGuessed(HttpVersion version, String[] lines, String refusal) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (String line : lines) {
      int colon = line.indexOf(':');
      headers.add(line.substring(0, colon), line.substring(colon + 1).strip());
    }
    assertEquals(refusal, RequestRules.refusal(version, headers), String.join(" | ", lines));
  }
}
