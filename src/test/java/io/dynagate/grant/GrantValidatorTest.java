package io.dynagate.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.problem.FieldError;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class GrantValidatorTest {

  private static List<String> rejectedFields(GrantSpec spec) {
    GatewayProblem p = assertThrows(GatewayProblem.class, () -> GrantValidator.validate(spec));
    assertEquals(ProblemCode.VALIDATION_FAILED, p.code());
    return p.errors().stream().map(FieldError::field).toList();
  }

  @ParameterizedTest
  @CsvSource({"read, READ", "write, WRITE", "full, FULL"})
  void accessLevelIsParsed(String access, Access expected) {
    assertEquals(expected, GrantValidator.validate(new GrantSpec(access, null, null)).access());
  }

  @ParameterizedTest(name = "[{0}]")
  @NullSource
  @ValueSource(strings = {"", "READ", "Write", "admin", "none", "read "})
  void accessMustBeReadWriteOrFull(String access) {
    assertEquals(List.of("access"), rejectedFields(new GrantSpec(access, null, null)));
  }

  @Test
  void absentEntitySetsMeansEverySet() {
    assertNull(GrantValidator.validate(new GrantSpec("read", null, null)).entitySets());
  }

  @Test
  void emptyEntitySetListIsRejected() {
    assertEquals(List.of("entitySets"), rejectedFields(new GrantSpec("read", List.of(), null)));
  }

  @Test
  void moreThan500EntitySetsAreRejected() {
    List<String> many = IntStream.range(0, 501).mapToObj(i -> "set" + i).toList();

    assertEquals(List.of("entitySets"), rejectedFields(new GrantSpec("read", many, null)));
    assertEquals(
        500,
        GrantValidator.validate(new GrantSpec("read", many.subList(0, 500), null))
            .entitySets()
            .size());
  }

  static Stream<Arguments> badNames() {
    return Stream.of(
        Arguments.of(List.of("accounts", "bad-name"), List.of("entitySets[1]")),
        Arguments.of(List.of("1accounts"), List.of("entitySets[0]")),
        Arguments.of(List.of(""), List.of("entitySets[0]")),
        Arguments.of(List.of("accounts(1)"), List.of("entitySets[0]")),
        Arguments.of(List.of("api/data"), List.of("entitySets[0]")),
        Arguments.of(List.of("a b", "ok", "x.y"), List.of("entitySets[0]", "entitySets[2]")),
        Arguments.of(List.of("a".repeat(129)), List.of("entitySets[0]")),
        Arguments.of(Arrays.asList("accounts", null), List.of("entitySets[1]")));
  }

  @ParameterizedTest
  @MethodSource("badNames")
  void badEntitySetNameIsRejectedWithItsIndex(List<String> sets, List<String> fields) {
    assertEquals(fields, rejectedFields(new GrantSpec("read", sets, null)));
  }

  @Test
  void validEntitySetNamesAreAccepted() {
    List<String> sets = List.of("accounts", "_private", "new_Custom1", "a".repeat(128));

    assertEquals(sets, GrantValidator.validate(new GrantSpec("full", sets, null)).entitySets());
  }

  @Test
  void duplicateEntitySetsAreRemovedKeepingTheFirstOrder() {
    GrantValidator.Valid v =
        GrantValidator.validate(
            new GrantSpec("write", List.of("contacts", "accounts", "contacts", "accounts"), null));

    assertEquals(List.of("contacts", "accounts"), v.entitySets());
  }

  @Test
  void impersonationDefaultsToFalse() {
    assertFalse(GrantValidator.validate(new GrantSpec("read", null, null)).impersonation());
    assertFalse(GrantValidator.validate(new GrantSpec("read", null, false)).impersonation());
    assertTrue(GrantValidator.validate(new GrantSpec("read", null, true)).impersonation());
  }

  @Test
  void accessAndEntitySetErrorsAreReportedTogether() {
    assertEquals(
        List.of("access", "entitySets[0]"),
        rejectedFields(new GrantSpec("admin", List.of("bad-name"), null)));
    assertEquals(
        List.of("access", "entitySets"),
        rejectedFields(new GrantSpec(null, Collections.emptyList(), true)));
  }

  static Stream<Arguments> validPrivileges() {
    Privilege bypass = Privilege.BYPASS_BUSINESS_LOGIC;
    Privilege flows = Privilege.SUPPRESS_FLOWS;
    return Stream.of(
        Arguments.of(null, List.of()),
        Arguments.of(List.of(), List.of()),
        Arguments.of(List.of("bypassBusinessLogic"), List.of(bypass)),
        Arguments.of(List.of("suppressFlows"), List.of(flows)),
        Arguments.of(List.of("bypassBusinessLogic", "suppressFlows"), List.of(bypass, flows)),
        Arguments.of(List.of("suppressFlows", "bypassBusinessLogic"), List.of(bypass, flows)),
        Arguments.of(
            List.of("suppressFlows", "suppressFlows", "bypassBusinessLogic", "suppressFlows"),
            List.of(bypass, flows)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("validPrivileges")
  void privilegesAreDeduplicatedInPrivilegeOrder(
      List<String> privileges, List<Privilege> expected) {
    assertEquals(
        expected,
        GrantValidator.validate(new GrantSpec("write", null, null, privileges)).privileges());
  }

  static Stream<Arguments> badPrivileges() {
    return Stream.of(
        Arguments.of(List.of("BypassBusinessLogic"), List.of("privileges[0]")),
        Arguments.of(List.of("bypassbusinesslogic"), List.of("privileges[0]")),
        Arguments.of(List.of("bypassBusinessLogic "), List.of("privileges[0]")),
        Arguments.of(List.of("BYPASS_BUSINESS_LOGIC"), List.of("privileges[0]")),
        Arguments.of(List.of("MSCRM.BypassCustomPluginExecution"), List.of("privileges[0]")),
        Arguments.of(List.of("impersonation"), List.of("privileges[0]")),
        Arguments.of(List.of(""), List.of("privileges[0]")),
        Arguments.of(Arrays.asList("suppressFlows", null), List.of("privileges[1]")),
        Arguments.of(
            List.of("admin", "suppressFlows", "all", "bypassBusinessLogic", "*"),
            List.of("privileges[0]", "privileges[2]", "privileges[4]")));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("badPrivileges")
  void anUnknownPrivilegeIsRejectedWithItsIndex(List<String> privileges, List<String> fields) {
    assertEquals(fields, rejectedFields(new GrantSpec("write", null, null, privileges)));
  }

  @Test
  void aPrivilegeErrorNamesTheAllowedValues() {
    GatewayProblem p =
        assertThrows(
            GatewayProblem.class,
            () -> GrantValidator.validate(new GrantSpec("read", null, null, List.of("x"))));
    assertEquals(
        List.of(new FieldError("privileges[0]", "must be bypassBusinessLogic or suppressFlows")),
        p.errors());
  }

  @Test
  void privilegeErrorsAreReportedWithTheOthersInFieldOrder() {
    assertEquals(
        List.of("access", "entitySets[0]", "privileges[1]"),
        rejectedFields(
            new GrantSpec("admin", List.of("bad-name"), true, List.of("suppressFlows", "x"))));
  }

  @Test
  void privilegesDoNotDependOnTheAccessLevel() {
    assertEquals(
        List.of(Privilege.SUPPRESS_FLOWS),
        GrantValidator.validate(new GrantSpec("read", null, false, List.of("suppressFlows")))
            .privileges());
  }
}
