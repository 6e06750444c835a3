package io.dynagate.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FilterTest {

  private static final EntityStore SEED = new EntityStore();

  /** Names of the seeded accounts the filter keeps, sorted, joined by '|'. */
  private static String accounts(String filter) {
    Filter f = Filter.parse(filter, EntityType.ACCOUNTS);
    return SEED.rows(EntityType.ACCOUNTS).stream()
        .filter(r -> f.matches(r.values()))
        .map(r -> r.values().getString("name"))
        .sorted()
        .collect(Collectors.joining("|"));
  }

  /** Last names of the seeded contacts the filter keeps, sorted, joined by '|'. */
  private static String contacts(String filter) {
    Filter f = Filter.parse(filter, EntityType.CONTACTS);
    return SEED.rows(EntityType.CONTACTS).stream()
        .filter(r -> f.matches(r.values()))
        .map(r -> r.values().getString("lastname"))
        .sorted()
        .collect(Collectors.joining("|"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '"',
      value = {
        "name eq 'contoso ltd'                           ; Contoso Ltd",
        "name ne 'CONTOSO LTD'                           ; Adventure Works|Fabrikam Inc|Litware Inc|Northwind Traders",
        "name gt 'm'                                     ; Northwind Traders",
        "name lt 'B'                                     ; Adventure Works",
        "name ge 'litware inc'                           ; Litware Inc|Northwind Traders",
        "name le 'Contoso Ltd'                           ; Adventure Works|Contoso Ltd",
        "revenue gt 1500000                              ; Adventure Works",
        "revenue ge 1500000                              ; Adventure Works|Contoso Ltd|Litware Inc",
        "revenue lt 850000                               ; Northwind Traders",
        "revenue le 850000                               ; Fabrikam Inc|Northwind Traders",
        "revenue eq 1500000.00                           ; Contoso Ltd|Litware Inc",
        "revenue ne 1500000                              ; Adventure Works|Fabrikam Inc|Northwind Traders",
        "statecode eq 1                                  ; Northwind Traders",
        "statecode eq 0 and revenue eq 1500000           ; Contoso Ltd|Litware Inc",
        "name eq 'Fabrikam Inc' or name eq 'Litware Inc' ; Fabrikam Inc|Litware Inc",
        "name eq 'Fabrikam Inc' or name eq 'Litware Inc' and statecode eq 1 ; Fabrikam Inc",
        "(name eq 'Fabrikam Inc' or name eq 'Litware Inc') and statecode eq 0 ; Fabrikam Inc|Litware Inc",
        "not (statecode eq 0)                            ; Northwind Traders",
        "not not (statecode eq 1)                        ; Northwind Traders",
        "startswith(name,'CON')                          ; Contoso Ltd",
        "not startswith(name,'c')                        ; Adventure Works|Fabrikam Inc|Litware Inc|Northwind Traders",
        "endswith(name,' INC')                           ; Fabrikam Inc|Litware Inc",
        "contains(name,'WORK')                           ; Adventure Works",
        "contains(name,'o') and not contains(name,'ltd') ; Adventure Works|Northwind Traders",
        "startswith(name,'c') eq true                    ; Contoso Ltd",
        "startswith(name,'') and statecode eq 1          ; Northwind Traders",
        "accountid eq 0f9d6f4a-1c2b-4e8a-9f10-000000000002 ; Fabrikam Inc",
        "accountid gt 0f9d6f4a-1c2b-4e8a-9f10-000000000003 ; Litware Inc|Northwind Traders",
        "telephone1 eq null                              ; \"\"",
        "telephone1 ne null and statecode eq 1           ; Northwind Traders",
        "true                                            ; Adventure Works|Contoso Ltd|Fabrikam Inc|Litware Inc|Northwind Traders",
        "null eq null and false                          ; \"\"",
      })
  void keepsTheRowsForWhichTheExpressionIsTrue(String filter, String expected) {
    assertEquals(expected, accounts(filter));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '"',
      value = {
        // Konersmann has no parent: comparisons with his null lookup are unknown, never true
        "_parentcustomerid_value eq 0f9d6f4a-1c2b-4e8a-9f10-000000000001 ; McKay|Stubberod",
        "_parentcustomerid_value ne 0f9d6f4a-1c2b-4e8a-9f10-000000000001 ; Anderson|Campbell",
        "not (_parentcustomerid_value eq 0f9d6f4a-1c2b-4e8a-9f10-000000000001) ; Anderson|Campbell",
        "_parentcustomerid_value ne 0f9d6f4a-1c2b-4e8a-9f10-000000000001 or _parentcustomerid_value eq null ; Anderson|Campbell|Konersmann",
        "_parentcustomerid_value eq null                 ; Konersmann",
        "_parentcustomerid_value ne null and startswith(firstname,'s') ; Stubberod",
        "_parentcustomerid_value gt null                 ; \"\"",
        "not (_parentcustomerid_value gt null)           ; \"\"",
        "_parentcustomerid_value eq null or firstname eq 'Nancy' ; Anderson|Konersmann",
      })
  void nullsFollowSqlThreeValuedLogic(String filter, String expected) {
    assertEquals(expected, contacts(filter));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '"',
      value = {
        "name eq 'a' or name eq 'b' and statecode eq 1 ; ((name eq 'a') or ((name eq 'b') and (statecode eq 1)))",
        "name eq 'a' and name eq 'b' or statecode eq 1 ; (((name eq 'a') and (name eq 'b')) or (statecode eq 1))",
        "(name eq 'a' or name eq 'b') and statecode eq 1 ; (((name eq 'a') or (name eq 'b')) and (statecode eq 1))",
        "name eq 'a' or name eq 'b' or name eq 'c'     ; (((name eq 'a') or (name eq 'b')) or (name eq 'c'))",
        "not (statecode eq 1) and name eq 'x'          ; ((not (statecode eq 1)) and (name eq 'x'))",
        "not startswith(name,'x') or contains(name,'y') ; ((not startswith(name,'x')) or contains(name,'y'))",
        "name eq 'O''Brien'                            ; (name eq 'O''Brien')",
        "  statecode   eq 0                            ; (statecode eq 0)",
        "revenue eq 12.50                              ; (revenue eq 12.50)",
        "((revenue ge -1))                             ; (revenue ge -1)",
        "name eq 'a and b' and revenue le 2147483648 ; ((name eq 'a and b') and (revenue le 2147483648))",
      })
  void notBindsTighterThanComparisonsThenAndThenOr(String filter, String canonical) {
    assertEquals(canonical, Filter.parse(filter, EntityType.ACCOUNTS).canonical());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '"',
      value = {
        "\"\"                           ; a value is missing at the end",
        "name                         ; The $filter expression must evaluate to a single boolean value.",
        "name eq                      ; a value is missing at the end",
        "name eq 'x' and              ; a value is missing at the end",
        "name eq 'x')                 ; ')' is not expected here at position 11",
        "(name eq 'x'                 ; ')' is missing at the end",
        "name eq 'x' 'y'              ; ''y'' is not expected here",
        "and eq 1                     ; a value is expected where 'and' is",
        "name eq 'unterminated        ; there is an unterminated string literal at position 8",
        "revenue eq 1e5               ; the literal '1e5' is not supported",
        "primarycontactid/fullname eq 'x' ; the character '/' is not expected at position 16",
        "accountid eq 'not-a-guid'    ; Found operand types 'Edm.Guid' and 'Edm.String' for operator kind 'Equal'.",
        "revenue eq 'text'            ; Found operand types 'Edm.Decimal' and 'Edm.String' for operator kind 'Equal'.",
        "name gt 5                    ; Found operand types 'Edm.String' and 'Edm.Int32' for operator kind 'GreaterThan'.",
        "statecode eq 1.5             ; Found operand types 'Edm.Int32' and 'Edm.Decimal' for operator kind 'Equal'.",
        "statecode eq 99999999999     ; Found operand types 'Edm.Int32' and 'Edm.Int64' for operator kind 'Equal'.",
        "name eq true                 ; Found operand types 'Edm.String' and 'Edm.Boolean' for operator kind 'Equal'.",
        "startswith(name,'a') lt true ; Found operand types 'Edm.Boolean' and 'Edm.Boolean' for operator kind 'LessThan'.",
        "name eq 'a' eq 'b'           ; Found operand types 'Edm.Boolean' and 'Edm.String' for operator kind 'Equal'.",
        "name eq 'a' and statecode    ; Found operand types 'Edm.Boolean' and 'Edm.Int32' for operator kind 'And'.",
        "statecode or name eq 'a'     ; Found operand types 'Edm.Int32' and 'Edm.Boolean' for operator kind 'Or'.",
        "not name eq 'x'              ; Found operand type 'Edm.String' for operator kind 'Not'.",
        "startswith(name,5)           ; No function signature for the function with name 'startswith'",
        "contains(statecode,'1')      ; No function signature for the function with name 'contains'",
        "startswith('x',name)         ; the sandbox supports startswith(property,'text') only",
        "endswith(name,null)          ; the sandbox supports endswith(property,'text') only",
        "startswith(name 'x')         ; expected ',' where ''x'' is",
        "tolower(name) eq 'x'         ; the sandbox does not support the function 'tolower'",
        "foo(name)                    ; An unknown function with name 'foo' was found.",
        "name eq @missing             ; the parameter alias '@missing' has no value",
      })
  void everythingElseIsA400SyntaxError(String filter, String message) {
    DataverseException e =
        assertThrows(DataverseException.class, () -> Filter.parse(filter, EntityType.ACCOUNTS));
    assertEquals(400, e.status());
    assertEquals(DataverseException.QUERY_SYNTAX, e.code());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Name eq 'x'", "nosuch eq 1", "contactid eq null", "name eq x"})
  void unknownPropertiesAreCode0x0(String text) {
    DataverseException e =
        assertThrows(DataverseException.class, () -> Filter.parse(text, EntityType.ACCOUNTS));
    assertEquals(400, e.status());
    assertEquals("0x0", e.code());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '"',
      value = {
        "name eq @p      ; 'Litware Inc'                         ; Litware Inc",
        "revenue eq @p   ; 850000                                ; Fabrikam Inc",
        "accountid eq @p ; 0f9d6f4a-1c2b-4e8a-9f10-000000000004  ; Northwind Traders",
        "telephone1 eq @p ; null                                 ; \"\"",
      })
  void parameterAliasesStandForLiterals(String filter, String alias, String expected) {
    Filter f = Filter.parse(filter, EntityType.ACCOUNTS, Map.of("@p", alias));
    String names =
        SEED.rows(EntityType.ACCOUNTS).stream()
            .filter(r -> f.matches(r.values()))
            .map(r -> r.values().getString("name"))
            .collect(Collectors.joining("|"));

    assertEquals(expected, names);
  }

  @Test
  void anAliasMustBeALiteral() {
    DataverseException e =
        assertThrows(
            DataverseException.class,
            () -> Filter.parse("name eq @p", EntityType.ACCOUNTS, Map.of("@p", "name")));
    assertEquals(400, e.status());
  }

  @Test
  void randomTextIsEitherAFilterOrA400NeverAnotherException() {
    List<String> pieces =
        Arrays.asList(
            "name",
            "revenue",
            "statecode",
            "accountid",
            " eq ",
            " ne ",
            " gt ",
            " and ",
            " or ",
            "not ",
            "(",
            ")",
            ",",
            "'x'",
            "'",
            "''",
            "1",
            "-2.5",
            "null",
            "true",
            "startswith",
            "contains(",
            "@p",
            "0f9d6f4a-1c2b-4e8a-9f10-000000000001",
            " ",
            "/",
            "1e",
            "é");
    Random random = new Random(42);
    for (int i = 0; i < 5000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + random.nextInt(8);
      for (int j = 0; j < n; j++) {
        sb.append(pieces.get(random.nextInt(pieces.size())));
      }
      String text = sb.toString();
      try {
        Filter f = Filter.parse(text, EntityType.ACCOUNTS, Map.of("@p", "'x'"));
        SEED.rows(EntityType.ACCOUNTS).forEach(r -> f.matches(r.values()));
      } catch (DataverseException e) {
        assertTrue(Set.of(400).contains(e.status()), text);
      }
    }
  }
}
