package io.dynagate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

class HostPatternsTest {

  @ParameterizedTest(name = "{0} against {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          a.dynamics.com                     | *.dynamics.com            | true
          a.b.dynamics.com                   | *.dynamics.com            | true
          contoso.crm4.dynamics.com          | *.dynamics.com            | true
          dynamics.com                       | *.dynamics.com            | false
          evildynamics.com                   | *.dynamics.com            | false
          dynamics.com.evil.org              | *.dynamics.com            | false
          a.dynamics.com.evil.org            | *.dynamics.com            | false
          .dynamics.com                      | *.dynamics.com            | false
          ..dynamics.com                     | *.dynamics.com            | false
          a.dynamics.com.                    | *.dynamics.com            | false
          A.Dynamics.COM                     | *.dynamics.com            | true
          a.dynamics.com                     | *.DYNAMICS.Com            | true
          a.dynamics.com                     | ' *.dynamics.com '        | true
          localhost                          | localhost                 | true
          LocalHost                          | localhost                 | true
          localhost                          | LOCALHOST                 | true
          a.localhost                        | localhost                 | false
          localhost.evil.org                 | localhost                 | false
          evil-localhost                     | localhost                 | false
          login.microsoftonline.com          | login.microsoftonline.com | true
          x.login.microsoftonline.com        | login.microsoftonline.com | false
          login.microsoftonline.com.evil.org | login.microsoftonline.com | false
          loginxmicrosoftonline.com          | login.microsoftonline.com | false
          a.dynamics.com                     | localhost;*.dynamics.com  | true
          dynamics.com                       | dynamics.com;*.dynamics.com | true
          evil.org                           | localhost;*.dynamics.com  | false
          a.dynamics.com                     | ''                        | false
          """)
  void hostMatchesPatterns(String host, String patterns, boolean expected) {
    assertEquals(expected, HostPatterns.matchesAny(host, List.of(patterns.split(";"))));
  }

  @ParameterizedTest
  @NullAndEmptySource
  void missingHostMatchesNothing(String host) {
    assertFalse(HostPatterns.matchesAny(host, List.of("*.dynamics.com", "localhost", "")));
  }

  @Test
  void emptyPatternListMatchesNothing() {
    assertFalse(HostPatterns.matchesAny("localhost", List.of()));
  }
}
