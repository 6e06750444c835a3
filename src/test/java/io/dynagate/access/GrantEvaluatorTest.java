package io.dynagate.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dynagate.access.GrantEvaluator.Denial;
import io.dynagate.grant.GrantView;
import io.dynagate.grant.Privilege;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class GrantEvaluatorTest {

  private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");
  private static final String ALLOWED = "allowed";

  /** A grant; {@code sets} "*" means no entity-set limit, else a '/'-separated list. */
  private static GrantView grant(String access, String sets, boolean impersonation) {
    return grant(access, sets, impersonation, List.of());
  }

  private static GrantView grant(
      String access, String sets, boolean impersonation, List<String> privileges) {
    List<String> entitySets =
        "*".equals(sets) ? null : sets.isEmpty() ? List.of() : Arrays.asList(sets.split("/"));
    return new GrantView(
        "contoso", "engine-1", access, entitySets, impersonation, privileges, T, T);
  }

  private static String outcome(Optional<Denial> decision) {
    return decision.map(Denial::name).orElse(ALLOWED);
  }

  /** {@code beyond}: the request reaches past its entity set (navigation, $expand, …). */
  private static String evaluate(
      GrantView grant, String method, String entitySet, boolean beyond, boolean impersonation) {
    return outcome(
        GrantEvaluator.evaluate(
            grant, new GrantEvaluator.Request(method, entitySet, beyond, impersonation)));
  }

  @ParameterizedTest(name = "{0}: read={1} write={2} full={3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # method | read    | write   | full
          GET      | allowed | allowed | allowed
          HEAD     | allowed | allowed | allowed
          POST     | METHOD  | allowed | allowed
          PATCH    | METHOD  | allowed | allowed
          PUT      | METHOD  | allowed | allowed
          DELETE   | METHOD  | METHOD  | allowed
          OPTIONS  | METHOD  | METHOD  | METHOD
          TRACE    | METHOD  | METHOD  | METHOD
          CONNECT  | METHOD  | METHOD  | METHOD
          MERGE    | METHOD  | METHOD  | METHOD
          get      | allowed | allowed | allowed
          delete   | METHOD  | METHOD  | allowed
          """)
  void accessLevelAllowsExactlyItsMethods(String method, String read, String write, String full) {
    assertEquals(read, evaluate(grant("read", "*", false), method, "accounts", false, false));
    assertEquals(write, evaluate(grant("write", "*", false), method, "accounts", false, false));
    assertEquals(full, evaluate(grant("full", "*", false), method, "accounts", false, false));
  }

  @ParameterizedTest(name = "access ''{0}'' allows nothing")
  @NullSource
  @ValueSource(strings = {"", "admin", "READ", "Full", " full", "read,write"})
  void unknownAccessLevelIsRefusedAsMethod(String access) {
    for (String method : List.of("GET", "HEAD", "POST", "DELETE")) {
      assertEquals(
          "METHOD", evaluate(grant(access, "*", true), method, "accounts", false, false), method);
    }
  }

  @ParameterizedTest(name = "limits [{0}], entity set {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      textBlock =
          """
          # grant's entitySets  | requested entity set | expected
          *                     | accounts             | allowed
          *                     | contacts             | allowed
          *                     | WhoAmI               | allowed
          *                     | null                 | allowed
          accounts              | accounts             | allowed
          accounts/contacts     | contacts             | allowed
          accounts              | contacts             | ENTITY_SET
          accounts              | Accounts             | ENTITY_SET
          accounts              | account              | ENTITY_SET
          accounts              | accounts2            | ENTITY_SET
          accounts              | ''                   | ENTITY_SET
          accounts              | null                 | ENTITY_SET
          accounts              | WhoAmI               | ENTITY_SET
          accounts/WhoAmI       | WhoAmI               | allowed
          accounts/WhoAmI       | null                 | ENTITY_SET
          ''                    | accounts             | ENTITY_SET
          ''                    | null                 | ENTITY_SET
          """)
  void entitySetLimitsAllowOnlyListedSets(String sets, String entitySet, String expected) {
    for (String access : List.of("read", "write", "full")) {
      assertEquals(
          expected, evaluate(grant(access, sets, false), "GET", entitySet, false, false), access);
    }
  }

  @ParameterizedTest(name = "{0} with entity-set limits: listed={1}, other={2}")
  @CsvSource({
    "read,  GET,    allowed, ENTITY_SET",
    "read,  POST,   METHOD,  METHOD",
    "write, PATCH,  allowed, ENTITY_SET",
    "write, DELETE, METHOD,  METHOD",
    "full,  DELETE, allowed, ENTITY_SET"
  })
  void methodIsCheckedBeforeEntitySet(String access, String method, String listed, String other) {
    GrantView g = grant(access, "accounts", false);
    assertEquals(listed, evaluate(g, method, "accounts", false, false));
    assertEquals(other, evaluate(g, method, "contacts", false, false));
  }

  @ParameterizedTest(name = "{0}/{1}: grant.impersonation={2}, requested={3} -> {4}")
  @CsvSource({
    // access, method, grant allows impersonation, request impersonates, expected
    "read,  GET,    false, true,  IMPERSONATION",
    "read,  GET,    true,  true,  allowed",
    "read,  GET,    false, false, allowed",
    "read,  GET,    true,  false, allowed",
    "write, POST,   false, true,  IMPERSONATION",
    "write, POST,   true,  true,  allowed",
    "full,  DELETE, false, true,  IMPERSONATION",
    "full,  DELETE, true,  true,  allowed",
    // the method check comes first
    "read,  DELETE, false, true,  METHOD",
    "read,  DELETE, true,  true,  METHOD"
  })
  void impersonationNeedsTheGrantFlag(
      String access, String method, boolean allowed, boolean requested, String expected) {
    assertEquals(
        expected, evaluate(grant(access, "*", allowed), method, "accounts", false, requested));
  }

  @ParameterizedTest(name = "impersonation refused before entity set ({0})")
  @CsvSource({"accounts, IMPERSONATION", "contacts, IMPERSONATION"})
  void impersonationIsCheckedBeforeEntitySet(String entitySet, String expected) {
    assertEquals(
        expected, evaluate(grant("full", "accounts", false), "GET", entitySet, false, true));
  }

  @ParameterizedTest(name = "limits [{0}], reaching beyond {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # grant's entitySets | requested entity set | expected
          *                    | accounts             | allowed
          *                    | WhoAmI               | allowed
          accounts             | accounts             | SCOPE
          accounts/contacts    | accounts             | SCOPE
          accounts             | contacts             | ENTITY_SET
          """)
  void reachingBeyondTheEntitySetNeedsAGrantWithoutEntitySetLimits(
      String sets, String entitySet, String expected) {
    for (String access : List.of("read", "write", "full")) {
      assertEquals(
          expected, evaluate(grant(access, sets, false), "GET", entitySet, true, false), access);
    }
  }

  @Test
  void boundSetsMustAllBeListedByAGrantLimitedToEntitySets() {
    GrantEvaluator.Request binding =
        new GrantEvaluator.Request(
            "POST", "accounts", false, false, Set.of(), Set.of("contacts"), false);
    assertEquals(
        "SCOPE", outcome(GrantEvaluator.evaluate(grant("full", "accounts", false), binding)));
    assertEquals(
        ALLOWED,
        outcome(GrantEvaluator.evaluate(grant("full", "accounts/contacts", false), binding)));
    assertEquals(ALLOWED, outcome(GrantEvaluator.evaluate(grant("full", "*", false), binding)));
  }

  private static String evaluateAll(List<GrantView> grants, String method, String set) {
    return outcome(
        GrantEvaluator.evaluate(grants, new GrantEvaluator.Request(method, set, false, false)));
  }

  @Test
  void severalGrantsAreAlternativesAndTheFirstExplainsARefusal() {
    GrantView readAccounts = grant("read", "accounts", false);
    GrantView writeContacts = grant("write", "contacts", false);
    List<GrantView> both = List.of(readAccounts, writeContacts);
    assertEquals(ALLOWED, evaluateAll(both, "GET", "accounts"));
    assertEquals(ALLOWED, evaluateAll(both, "POST", "contacts"));
    // neither alone allows writing accounts: the first grant's reason is reported
    assertEquals("METHOD", evaluateAll(both, "POST", "accounts"));
    assertEquals("ENTITY_SET", evaluateAll(List.of(writeContacts, readAccounts), "POST", "x"));
    assertEquals("METHOD", evaluateAll(List.of(), "GET", "accounts"));
  }

  @Test
  void impersonationMustBeAllowedByTheSameGrantThatAllowsTheRest() {
    GrantView readImpersonating = grant("read", "*", true);
    GrantView fullPlain = grant("full", "*", false);
    List<GrantView> both = List.of(fullPlain, readImpersonating);
    assertEquals(
        ALLOWED,
        outcome(
            GrantEvaluator.evaluate(both, new GrantEvaluator.Request("GET", "a", false, true))));
    assertEquals(
        "IMPERSONATION",
        outcome(
            GrantEvaluator.evaluate(both, new GrantEvaluator.Request("DELETE", "a", false, true))));
  }

  private static GrantEvaluator.Request privileged(String method, Privilege... needed) {
    return new GrantEvaluator.Request(
        method, "accounts", false, false, Set.of(needed), Set.of(), false);
  }

  @ParameterizedTest(name = "grant privileges {0}, request needs {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          -                                   | bypassBusinessLogic               | PRIVILEGE
          -                                   | suppressFlows                     | PRIVILEGE
          bypassBusinessLogic                 | bypassBusinessLogic               | allowed
          bypassBusinessLogic                 | suppressFlows                     | PRIVILEGE
          suppressFlows                       | bypassBusinessLogic/suppressFlows | PRIVILEGE
          bypassBusinessLogic/suppressFlows   | bypassBusinessLogic/suppressFlows | allowed
          bypassBusinessLogic/suppressFlows   | -                                 | allowed
          """)
  void privilegedHeadersNeedTheGrantsPrivileges(String held, String needed, String expected) {
    List<String> holds = held.equals("-") ? List.of() : Arrays.asList(held.split("/"));
    Privilege[] needs =
        needed.equals("-")
            ? new Privilege[0]
            : Arrays.stream(needed.split("/"))
                .map(n -> Privilege.fromWire(n).orElseThrow())
                .toArray(Privilege[]::new);
    assertEquals(
        expected,
        outcome(
            GrantEvaluator.evaluate(
                grant("write", "*", false, holds), privileged("PATCH", needs))));
  }

  @Test
  void aPrivilegeMustBeHeldByTheSameGrantThatAllowsTheRest() {
    GrantView readBypassing = grant("read", "*", false, List.of("bypassBusinessLogic"));
    GrantView writePlain = grant("write", "*", false);
    List<GrantView> both = List.of(writePlain, readBypassing);
    assertEquals(
        ALLOWED,
        outcome(GrantEvaluator.evaluate(both, privileged("GET", Privilege.BYPASS_BUSINESS_LOGIC))));
    assertEquals(
        "PRIVILEGE",
        outcome(
            GrantEvaluator.evaluate(both, privileged("PATCH", Privilege.BYPASS_BUSINESS_LOGIC))));
  }

  @ParameterizedTest(name = "{0} schema={1} set={2} (beyond={3}) under {4} of accounts -> {5}")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      textBlock =
          """
          GET    | true  | $metadata | false | full | allowed
          HEAD   | true  | $metadata | false | full | allowed
          GET    | true  | null      | false | full | allowed
          GET    | true  | $metadata | false | read | allowed
          GET    | true  | null      | false | read | allowed
          POST   | true  | $metadata | false | full | ENTITY_SET
          POST   | true  | $metadata | false | read | METHOD
          GET    | true  | $metadata | true  | full | ENTITY_SET
          # not the schema: another prefix without an entity set, or a set named like it
          GET    | false | null      | false | full | ENTITY_SET
          GET    | false | $metadata | false | full | ENTITY_SET
          """)
  void schemaAndServiceDocumentAreReadableUnderEveryGrant(
      String method,
      boolean schema,
      String entitySet,
      boolean beyond,
      String access,
      String expected) {
    GrantEvaluator.Request request =
        new GrantEvaluator.Request(method, entitySet, beyond, false, Set.of(), Set.of(), schema);
    assertEquals(
        expected, outcome(GrantEvaluator.evaluate(grant(access, "accounts", false), request)));
  }

  @ParameterizedTest(name = "{0} -> reason tag {1}")
  @CsvSource({
    "METHOD, method",
    "ENTITY_SET, entity_set",
    "SCOPE, scope",
    "IMPERSONATION, impersonation",
    "PRIVILEGE, privilege"
  })
  void denialReasonIsTheMetricTag(Denial denial, String reason) {
    assertEquals(reason, denial.reason());
  }
}
