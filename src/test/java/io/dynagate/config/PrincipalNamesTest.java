package io.dynagate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

class PrincipalNamesTest {

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          engine-1                                 | true
          a                                        | true
          group:admins                             | true
          user@example.com                         | true
          system:serviceaccount:ns/sa              | true
          a.b_c:d@e+f=g/h~i-j                      | true
          ABCxyz0189                               | true
          'a b'                                    | false
          ' engine-1'                              | false
          engine,1                                 | false
          engine#1                                 | false
          engine?1                                 | false
          engine%201                               | false
          engine\\1                                 | false
          ünïcode                                  | false
          '<script>'                               | false
          """)
  void principalNameRule(String principal, boolean valid) {
    assertEquals(valid, PrincipalNames.isValid(principal));
  }

  @ParameterizedTest
  @NullAndEmptySource
  void missingPrincipalIsInvalid(String principal) {
    assertFalse(PrincipalNames.isValid(principal));
  }

  @Test
  void lengthIsLimitedTo256() {
    assertTrue(PrincipalNames.isValid("p".repeat(256)));
    assertFalse(PrincipalNames.isValid("p".repeat(257)));
  }

  @Test
  void controlCharactersAreInvalid() {
    assertFalse(PrincipalNames.isValid("engine\n1"));
    assertFalse(PrincipalNames.isValid("engine-1\n"));
    assertFalse(PrincipalNames.isValid("engine\r1"));
    assertFalse(PrincipalNames.isValid("engine\u00001"));
  }
}
