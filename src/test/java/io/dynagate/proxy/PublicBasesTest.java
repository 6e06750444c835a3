package io.dynagate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The gateway's public bases: which one a request's Host picks, and which bases are refused. */
class PublicBasesTest {
  private static final String PRIMARY = "https://primary.example.com";

  private final PublicBases bases =
      new PublicBases(
          List.of(
              PRIMARY,
              "https://gw.example.com",
              "http://gw.internal:8080",
              "https://GW2.Example.com:8443/base/",
              "https://explicit.example.com:443",
              "http://plain.example.com:80",
              "http://[::1]:9090",
              "http://[2001:DB8::1]"));

  /** Host and port as Vert.x reports the request's authority (port -1: the Host had none). */
  @ParameterizedTest(name = "{0}:{1} -> {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      textBlock =
          """
          # host                | port | base
          gw.example.com        | -1   | https://gw.example.com
          gw.example.com        | 443  | https://gw.example.com
          GW.Example.COM        | -1   | https://gw.example.com
          gw.example.com        | 80   | https://primary.example.com
          gw.example.com        | 8443 | https://primary.example.com
          gw.internal           | 8080 | http://gw.internal:8080
          GW.INTERNAL           | 8080 | http://gw.internal:8080
          gw.internal           | -1   | https://primary.example.com
          gw.internal           | 80   | https://primary.example.com
          gw2.example.com       | 8443 | https://GW2.Example.com:8443/base
          gw2.example.com       | -1   | https://primary.example.com
          explicit.example.com  | -1   | https://explicit.example.com:443
          explicit.example.com  | 443  | https://explicit.example.com:443
          plain.example.com     | -1   | http://plain.example.com:80
          plain.example.com     | 80   | http://plain.example.com:80
          plain.example.com     | 443  | https://primary.example.com
          [::1]                 | 9090 | http://[::1]:9090
          ::1                   | 9090 | http://[::1]:9090
          [::1]                 | -1   | https://primary.example.com
          [2001:db8::1]         | -1   | http://[2001:DB8::1]
          [2001:DB8::1]         | 80   | http://[2001:DB8::1]
          2001:db8::1           | -1   | http://[2001:DB8::1]
          [2001:db8::2]         | -1   | https://primary.example.com
          primary.example.com   | -1   | https://primary.example.com
          evil.example.com      | 443  | https://primary.example.com
          gw.example.com.evil   | -1   | https://primary.example.com
          example.com           | -1   | https://primary.example.com
          ''                    | -1   | https://primary.example.com
          NULL                  | -1   | https://primary.example.com
          """)
  void theBaseIsTheOneTheHostNamesElseTheFirst(String host, int port, String expected) {
    assertEquals(expected, bases.forAuthority(host, port));
  }

  @Test
  void connectionPrefixesListEveryBaseInOrderWithItsPath() {
    assertEquals(
        List.of(
            "https://primary.example.com/proxy/contoso",
            "https://gw.example.com/proxy/contoso",
            "http://gw.internal:8080/proxy/contoso",
            "https://GW2.Example.com:8443/base/proxy/contoso",
            "https://explicit.example.com:443/proxy/contoso",
            "http://plain.example.com:80/proxy/contoso",
            "http://[::1]:9090/proxy/contoso",
            "http://[2001:DB8::1]/proxy/contoso"),
        bases.connectionPrefixes("contoso"));
  }

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          https://gw.example.com            | https://gw.example.com
          https://gw.example.com/           | https://gw.example.com
          '  https://gw.example.com/  '     | https://gw.example.com
          https://gw.example.com/base       | https://gw.example.com/base
          https://gw.example.com/base/      | https://gw.example.com/base
          https://gw.example.com/a/b/       | https://gw.example.com/a/b
          HTTPS://GW.example.com            | HTTPS://GW.example.com
          http://localhost:8080             | http://localhost:8080
          """)
  void aBaseIsKeptAsWrittenWithoutTrailingSlashAndSurroundingSpace(String url, String base) {
    PublicBases one = new PublicBases(List.of(url));
    assertEquals(base, one.forAuthority(null, -1));
    assertEquals(List.of(base + "/proxy/c"), one.connectionPrefixes("c"));
  }

  @Test
  void anUpperCaseSchemeStillHasItsDefaultPort() {
    PublicBases one = new PublicBases(List.of(PRIMARY, "HTTPS://Upper.Example.com"));
    assertEquals("HTTPS://Upper.Example.com", one.forAuthority("upper.example.com", -1));
    assertEquals("HTTPS://Upper.Example.com", one.forAuthority("upper.example.com", 443));
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(
      strings = {
        "https://gw.example.com?x=1",
        "https://gw.example.com/?x=1",
        "https://gw.example.com/base?",
        "https://gw.example.com#top",
        "https://gw.example.com/#",
        "https://user@gw.example.com",
        "https://user:secret@gw.example.com/base",
        "ftp://gw.example.com",
        "ws://gw.example.com",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http:gw.example.com",
        "gw.example.com",
        "//gw.example.com",
        "/proxy",
        "https://",
        "https:///base",
        "https://gw.example.com/\"x",
        "https://gw.example.com/a\\b",
        "https://gw.example.com\\",
        "https://gw example.com",
        "",
        "   ",
      })
  void aBaseThatIsNotAPlainHttpUrlStopsTheStart(String url) {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> new PublicBases(List.of(PRIMARY, url)));
    assertTrue(e.getMessage().startsWith("DYNAGATE_PUBLIC_BASE_URL"), e.getMessage());
  }

  @Test
  void anEmptyListStopsTheStart() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> new PublicBases(List.of()));
    assertTrue(e.getMessage().startsWith("DYNAGATE_PUBLIC_BASE_URL"), e.getMessage());
  }
}
