package io.dynagate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathPolicyTest {
  private static final String V = "api/data/v9.2/";
  private static final String ID = "00000000-0000-0000-0000-000000000001";

  private final PathPolicy policy = new PathPolicy(List.of("api/data/"));

  static Stream<Arguments> allowedTargets() {
    return Stream.of(
        allowed(V + "accounts", null, "accounts"),
        allowed(V + "accounts?$select=name&$top=2", "$select=name&$top=2", "accounts"),
        allowed(V + "accounts(" + ID + ")", null, "accounts"),
        allowed(V + "accounts(" + ID + ")/contact_customer_accounts", null, "accounts"),
        allowed(V + "accounts(" + ID + ")/name/$value", null, "accounts"),
        allowed(V + "accounts(" + ID + ")/primarycontactid/$ref", null, "accounts"),
        allowed(V + "accounts(accountnumber='A-1')", null, "accounts"),
        allowed(V + "accounts(name='a%20b')", null, "accounts"),
        allowed(V + "accounts(name='O%27Neil%C3%A9')", null, "accounts"),
        allowed(V + "contacts(emailaddress1='a@example.com')", null, "contacts"),
        allowed(V + "accounts(accountnumber='A-1',name='x')", null, "accounts"),
        allowed(V + "$batch", null, "$batch", true),
        allowed(V + "$BATCH", null, "$BATCH", true),
        allowed(V + "$metadata", null, "$metadata"),
        allowed(V + "WhoAmI", null, "WhoAmI"),
        allowed(V + "WhoAmI()", null, "WhoAmI"),
        allowed(V + "RetrieveVersion()", null, "RetrieveVersion"),
        allowed(V + "Microsoft.Dynamics.CRM.WhoAmI()", null, "Microsoft.Dynamics.CRM.WhoAmI"),
        allowed(
            V
                + "RetrieveCurrentOrganization(AccessType=@p1)"
                + "?@p1=Microsoft.Dynamics.CRM.EndpointAccessType'Default'",
            "@p1=Microsoft.Dynamics.CRM.EndpointAccessType'Default'",
            "RetrieveCurrentOrganization"),
        allowed(
            V + "EntityDefinitions(LogicalName='account')/Attributes", null, "EntityDefinitions"),
        allowed(V + "accounts?$filter=name%20eq%20'x'", "$filter=name%20eq%20'x'", "accounts"),
        allowed(
            V + "accounts?$filter=name%20eq%20%27x%27", "$filter=name%20eq%20%27x%27", "accounts"),
        allowed(
            V + "accounts?$select=name&$expand=x($select=@odata.id)",
            "$select=name&$expand=x($select=@odata.id)",
            "accounts"),
        allowed(
            V + "accounts?$skiptoken=%3Ccookie%20pagenumber=%222%22%20/%3E",
            "$skiptoken=%3Ccookie%20pagenumber=%222%22%20/%3E",
            "accounts"),
        allowed(V + "accounts?a=1?b=2/../c", "a=1?b=2/../c", "accounts"),
        allowed(V + "accounts?", null, "accounts"),
        allowed(V + "accounts/", null, "accounts"),
        allowed(V + "accounts(" + ID + ")/Microsoft.Dynamics.CRM.Bound", null, "accounts"),
        allowed("api/data/v9.2/", null, null),
        allowed("api/data/v9.2", null, null),
        allowed("api/data/", null, null),
        allowed("api/data/v9.0/accounts", null, "accounts"),
        allowed("api/data/v10.11/accounts", null, "accounts"));
  }

  static Stream<Arguments> rejectedTargets() {
    return Stream.of(
        rejected("empty target", ""),
        rejected("empty path with query", "?$top=1"),
        rejected("other prefix", "api/search/v1.0/query"),
        rejected("prefix is case-sensitive", "API/data/v9.2/accounts"),
        rejected("prefix on whole segments", "api/database/v9.2/accounts"),
        rejected("prefix as part of a segment", "api/dataX"),
        rejected("no prefix at all", "accounts"),
        rejected("dot segment", V + "./accounts"),
        rejected("dot-dot segment", "api/data/../../XRMServices/2011/Organization.svc"),
        rejected("trailing dot-dot", V + "accounts/.."),
        rejected("triple dot segment", V + ".../accounts"),
        rejected("empty segment", "api/data//v9.2/accounts"),
        rejected("empty segment later", V + "accounts//x"),
        rejected("leading slash", "/api/data/v9.2/accounts"),
        rejected("protocol-relative", "//evil.example.com/api/data/v9.2/accounts"),
        rejected("backslash", V + "accounts\\..\\contacts"),
        rejected("backslash as separator", "api\\data/v9.2/accounts"),
        rejected("encoded dot", V + "%2e%2e/accounts"),
        rejected("encoded dot upper-case", V + "%2E/accounts"),
        rejected("encoded dot in segment", V + "accounts%2Ejson"),
        rejected("encoded slash", V + "accounts%2fcontacts"),
        rejected("encoded slash upper-case", V + "accounts(1)%2F..%2Fcontacts"),
        rejected("encoded backslash", V + "accounts%5c..%5Ccontacts"),
        rejected("encoded percent", V + "accounts(name='%25')"),
        rejected("double-encoded dot", V + "%252e%252e/accounts"),
        rejected("double-encoded slash", V + "accounts%252Fx"),
        rejected("double-encoded dots in a later segment", V + "accounts(1)/%252e%252e/x"),
        rejected("double-encoded slash in a key", V + "accounts(name='a%252fb')"),
        rejected("raw NUL", V + "accounts\u0000"),
        rejected("raw tab", V + "accounts\t"),
        rejected("raw CR LF", V + "accounts\r\nX-Injected: 1"),
        rejected("raw DEL", V + "accounts\u007f"),
        rejected("encoded NUL", V + "accounts%00"),
        rejected("encoded LF", V + "accounts(name='%0a')"),
        rejected("encoded unit separator", V + "accounts%1F"),
        rejected("encoded DEL", V + "accounts%7f"),
        rejected("absolute http URL", "http://evil.example.com/api/data/v9.2/accounts"),
        rejected("absolute https URL", "https://evil.example.com/api/data/"),
        rejected("scheme without slashes", "https:evil.example.com/api/data/"),
        rejected("scheme in a later segment", V + "accounts/https://evil.example.com"),
        rejected("invalid percent-encoding", V + "accounts%zz"),
        rejected("truncated percent-encoding", V + "accounts%4"),
        rejected("percent at the end", V + "accounts%"),
        rejected("non-hex percent-encoding", V + "accounts%g0"),
        rejected("full-width digit percent-encoding", V + "accounts%\uff10\uff10"),
        rejected("raw non-ASCII", V + "accounts(name='caf\u00e9')"),
        rejected("raw non-ASCII emoji", V + "\ud83d\ude00"),
        rejected("raw space in path", V + "accounts(name='a b')"),
        rejected("raw double quote in path", V + "accounts(name=\"a\")"),
        rejected("fragment in path", V + "accounts#x"),
        rejected("raw space in query", V + "accounts?$filter=name eq 'x'"),
        rejected("fragment in query", V + "accounts?$top=1#frag"),
        rejected("control character in query", V + "accounts?$top=1\r\nHost: evil"),
        rejected("NUL in query", V + "accounts?$top=1\u0000"),
        rejected("DEL in query", V + "accounts?$top=1\u007f"),
        rejected("non-ASCII in query", V + "accounts?$filter=name%20eq%20'caf\u00e9'"),
        rejected("version segment upper-case", "api/data/V9.2/accounts"),
        rejected("version segment without minor", "api/data/v9/accounts"),
        rejected("encoded entity set name", V + "%24batch"),
        rejected("encoded letter in entity set name", V + "%61ccounts"),
        rejected("entity set name with trailing dot", V + "$batch."),
        rejected("entity set name with parameters", V + "$batch;x=1"),
        rejected("entity set name with encoded paren", V + "accounts%28" + ID + ")"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allowedTargets")
  void canonicalTargetIsForwardedUnchanged(String target, ProxyPath expected) {
    assertEquals(expected, policy.check(target));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("rejectedTargets")
  void nonCanonicalTargetIsRejectedWithoutEchoingIt(String why, String target) {
    assertRejected(target);
  }

  @Test
  void queryIsSplitAtTheFirstQuestionMarkOnly() {
    ProxyPath p = policy.check(V + "accounts?$filter=contains(name,'?')");
    assertEquals(V + "accounts", p.path());
    assertEquals("$filter=contains(name,'?')", p.rawQuery());
  }

  @Test
  void entitySetAndBatchFlagDependOnTheSegmentAfterTheVersionOnly() {
    ProxyPath nested = policy.check(V + "accounts(" + ID + ")/$batch");
    assertEquals("accounts", nested.entitySet());
    assertFalse(nested.batch());
  }

  @Test
  void otherAllowedPrefixesHaveNoEntitySet() {
    PathPolicy custom = new PathPolicy(List.of("api/data/", "api/search/v1.0"));
    assertEquals(
        new ProxyPath("api/search/v1.0/query", "q=1", null, false),
        custom.check("api/search/v1.0/query?q=1"));
    assertRejected(custom, "api/search/v1.0x");
    assertRejected(custom, "api/search/v2.0/query");
  }

  @Test
  void prefixWithoutTrailingSlashMatchesTheSameWholeSegments() {
    PathPolicy custom = new PathPolicy(List.of("api/data"));
    assertEquals("accounts", custom.check(V + "accounts").entitySet());
    assertRejected(custom, "api/database");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/", "/api/data/", "api//data", "api/../data", "api/%2e/data"})
  void nonCanonicalPrefixesAreRefusedAtConstruction(String prefix) {
    assertThrows(IllegalArgumentException.class, () -> new PathPolicy(List.of(prefix)));
  }

  @Test
  void anEmptyPrefixListIsRefusedAtConstruction() {
    assertThrows(IllegalArgumentException.class, () -> new PathPolicy(List.of()));
  }

  @Test
  void nullTargetIsRejected() {
    assertRejected(null);
  }

  private void assertRejected(String target) {
    assertRejected(policy, target);
  }

  private static void assertRejected(PathPolicy policy, String target) {
    GatewayProblem problem = assertThrows(GatewayProblem.class, () -> policy.check(target));
    assertEquals(ProblemCode.PATH_NOT_ALLOWED, problem.code());
    assertFalse(problem.detail().isBlank());
    if (target != null) {
      for (String part : Arrays.asList(target.split("[/?]"))) {
        if (part.length() >= 6) {
          assertFalse(problem.detail().contains(part), "the detail echoes the input");
        }
      }
    }
  }

  private static Arguments allowed(String target, String query, String entitySet) {
    return allowed(target, query, entitySet, false);
  }

  private static Arguments allowed(String target, String query, String entitySet, boolean batch) {
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    return Arguments.of(target, new ProxyPath(path, query, entitySet, batch));
  }

  private static Arguments rejected(String why, String target) {
    return Arguments.of(why, target);
  }
}
