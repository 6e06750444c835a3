package io.dynagate.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FilterTest {

  private static final String GUID = "0f9d6f4a-1c2b-4e8a-9f10-000000000001";

  static Stream<Arguments> supported() {
    return Stream.of(
        Arguments.of("name eq 'Contoso'", List.of(new Filter.Clause("name", "Contoso"))),
        Arguments.of("name eq 'O''Brien'", List.of(new Filter.Clause("name", "O'Brien"))),
        Arguments.of("name eq ''", List.of(new Filter.Clause("name", ""))),
        Arguments.of(
            "revenue eq 12.50", List.of(new Filter.Clause("revenue", new BigDecimal("12.50")))),
        Arguments.of(
            "statecode eq -1", List.of(new Filter.Clause("statecode", new BigDecimal(-1)))),
        Arguments.of(
            "  statecode   eq 0  ", List.of(new Filter.Clause("statecode", BigDecimal.ZERO))),
        Arguments.of(
            "accountid eq " + GUID, List.of(new Filter.Clause("accountid", UUID.fromString(GUID)))),
        Arguments.of("telephone1 eq null", List.of(new Filter.Clause("telephone1", null))),
        Arguments.of(
            "name eq 'a and b' and statecode eq 1",
            List.of(
                new Filter.Clause("name", "a and b"),
                new Filter.Clause("statecode", BigDecimal.ONE))));
  }

  @ParameterizedTest
  @MethodSource("supported")
  void parsesEqClausesJoinedByAnd(String text, List<Filter.Clause> expected) {
    assertEquals(expected, Filter.parse(text, EntityType.ACCOUNTS).clauses());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "name",
        "name eq",
        "name eq 'x' and",
        "name eq 'x' or statecode eq 1",
        "name ne 'x'",
        "not name eq 'x'",
        "startswith(name,'x')",
        "name eq 'x')",
        "name eq x",
        "name eq 'x' 'y'",
        "accountid eq 'not-a-guid'",
        "revenue eq 1e5",
      })
  void everythingElseIsA400(String text) {
    DataverseException e =
        assertThrows(DataverseException.class, () -> Filter.parse(text, EntityType.ACCOUNTS));
    assertEquals(400, e.status(), Arrays.toString(new String[] {text, e.getMessage()}));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Name eq 'x'", "nosuch eq 1", "contactid eq null"})
  void unknownPropertiesAreCode0x0(String text) {
    DataverseException e =
        assertThrows(DataverseException.class, () -> Filter.parse(text, EntityType.ACCOUNTS));
    assertEquals("0x0", e.code());
  }
}
