package io.dynagate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.grant.Privilege;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class HeaderPolicyTest {

  static Stream<Arguments> requestCases() {
    return Stream.of(
        // name, incoming headers, headers sent upstream
        req(
            "OData and content headers pass",
            List.of(
                "Accept: application/json",
                "Content-Type: application/json; charset=utf-8",
                "OData-MaxVersion: 4.0",
                "OData-Version: 4.0",
                "If-Match: W/\"123\"",
                "If-None-Match: *",
                "User-Agent: engine/1.0",
                "x-ms-client-request-id: abc",
                "Consistency: Strong",
                "MSCRM.SuppressDuplicateDetection: false"),
            List.of(
                "Accept: application/json",
                "Content-Type: application/json; charset=utf-8",
                "OData-MaxVersion: 4.0",
                "OData-Version: 4.0",
                "If-Match: W/\"123\"",
                "If-None-Match: *",
                "User-Agent: engine/1.0",
                "x-ms-client-request-id: abc",
                "Consistency: Strong",
                "MSCRM.SuppressDuplicateDetection: false")),
        req(
            "multi-valued Prefer keeps every value in order",
            List.of(
                "Prefer: odata.include-annotations=\"*\"",
                "prefer: odata.maxpagesize=10",
                "PREFER: return=representation"),
            List.of(
                "Prefer: odata.include-annotations=\"*\"",
                "prefer: odata.maxpagesize=10",
                "PREFER: return=representation")),
        req(
            "impersonation headers pass (the grant check happens before)",
            List.of("MSCRMCallerID: 1", "CallerObjectId: 2"),
            List.of("MSCRMCallerID: 1", "CallerObjectId: 2")),
        req(
            "caller credentials are dropped in any case",
            List.of(
                "Authorization: Bearer caller-jwt",
                "authorization: Basic eDp5",
                "X-Api-Key: dgk_secret",
                "x-api-key: dgk_other",
                "Cookie: a=1",
                "COOKIE: b=2",
                "Accept: */*"),
            List.of("Accept: */*")),
        req(
            "Host and forwarding headers are dropped",
            List.of(
                "Host: evil.example.com",
                "Forwarded: for=1.2.3.4;host=evil",
                "X-Forwarded-For: 1.2.3.4",
                "x-forwarded-host: evil.example.com",
                "X-FORWARDED-PROTO: http",
                "X-Forwarded-Port: 80",
                "X-Forwarded-Prefix: /x",
                "Accept: */*"),
            List.of("Accept: */*")),
        req(
            "hop-by-hop headers are dropped",
            List.of(
                "Connection: close",
                "Keep-Alive: timeout=5",
                "Proxy-Authenticate: Basic",
                "Proxy-Authorization: Basic eDp5",
                "TE: trailers",
                "Trailer: X-Checksum",
                "Transfer-Encoding: chunked",
                "Upgrade: h2c",
                "Proxy-Connection: keep-alive",
                "Accept: */*"),
            List.of("Accept: */*")),
        req(
            "headers named in Connection are dropped",
            List.of(
                "Connection: keep-alive, X-Secret-Hop",
                "X-Secret-Hop: s3cret",
                "x-secret-hop: again",
                "Accept: */*"),
            List.of("Accept: */*")),
        req(
            "Connection tokens from every Connection header, any case and spacing",
            List.of(
                "Connection: x-ONE ,,  x-not-present",
                "connection: X-Two",
                "X-One: 1",
                "X-Two: 2",
                "X-Three: 3"),
            List.of("X-Three: 3")),
        req(
            "client-managed framing and negotiation headers are dropped",
            List.of(
                "Expect: 100-continue",
                "Content-Length: 42",
                "Accept-Encoding: gzip, br",
                "Content-Type: application/json"),
            List.of("Content-Type: application/json")),
        req(
            "method tunnelling and IIS rewrite headers are dropped",
            List.of(
                "X-HTTP-Method: DELETE",
                "X-HTTP-Method-Override: DELETE",
                "X-Method-Override: PATCH",
                "X-Original-URL: /api/data/v9.2/systemusers",
                "X-Rewrite-URL: /api/data/v9.2/systemusers",
                "Accept: */*"),
            List.of("Accept: */*")),
        req(
            "look-alike names are not dropped",
            List.of(
                "X-Forwarded: 1",
                "Authorization-Hint: x",
                "X-Api-Key-Id: 7",
                "Cookies-Accepted: yes",
                "Hostname: a"),
            List.of(
                "X-Forwarded: 1",
                "Authorization-Hint: x",
                "X-Api-Key-Id: 7",
                "Cookies-Accepted: yes",
                "Hostname: a")),
        req("no headers", List.of(), List.of()));
  }

  static Stream<Arguments> responseCases() {
    return Stream.of(
        req(
            "Dataverse headers pass",
            List.of(
                "Content-Type: application/json; odata.metadata=minimal",
                "ETag: W/\"123\"",
                "OData-Version: 4.0",
                "OData-EntityId: https://contoso.crm4.dynamics.com/api/data/v9.2/accounts(1)",
                "Preference-Applied: odata.maxpagesize=10",
                "Preference-Applied: return=representation",
                "Retry-After: 30",
                "x-ms-service-request-id: abc",
                "x-ms-ratelimit-burst-remaining-xrm-requests: 5999",
                "Location: https://contoso.crm4.dynamics.com/api/data/v9.2/accounts(1)",
                "WWW-Authenticate: Bearer authorization_uri=https://login.example",
                "REQ_ID: 42",
                "Cache-Control: no-cache",
                "Strict-Transport-Security: max-age=31536000"),
            List.of(
                "Content-Type: application/json; odata.metadata=minimal",
                "ETag: W/\"123\"",
                "OData-Version: 4.0",
                "OData-EntityId: https://contoso.crm4.dynamics.com/api/data/v9.2/accounts(1)",
                "Preference-Applied: odata.maxpagesize=10",
                "Preference-Applied: return=representation",
                "Retry-After: 30",
                "x-ms-service-request-id: abc",
                "x-ms-ratelimit-burst-remaining-xrm-requests: 5999",
                "Location: https://contoso.crm4.dynamics.com/api/data/v9.2/accounts(1)",
                "WWW-Authenticate: Bearer authorization_uri=https://login.example",
                "REQ_ID: 42",
                "Cache-Control: no-cache",
                "Strict-Transport-Security: max-age=31536000")),
        req(
            "cookies are dropped, multi-valued and in any case",
            List.of(
                "Set-Cookie: ARRAffinity=1; Path=/",
                "set-cookie: ReqClientId=2",
                "Set-Cookie2: legacy=1",
                "OData-Version: 4.0"),
            List.of("OData-Version: 4.0")),
        req(
            "framing and encoding are dropped (bodies are decompressed and rewritten)",
            List.of(
                "Content-Length: 1234",
                "Content-Encoding: gzip",
                "Transfer-Encoding: chunked",
                "Content-Type: application/json"),
            List.of("Content-Type: application/json")),
        req(
            "hop-by-hop and Connection-named headers are dropped",
            List.of(
                "Connection: keep-alive, X-Secret-Hop",
                "Keep-Alive: timeout=5",
                "X-Secret-Hop: s3cret",
                "Proxy-Authenticate: Basic",
                "Proxy-Connection: close",
                "TE: trailers",
                "Trailer: X-Checksum",
                "Upgrade: h2c",
                "ETag: W/\"1\""),
            List.of("ETag: W/\"1\"")),
        req(
            "Alt-Svc of the Dataverse origin is dropped",
            List.of("Alt-Svc: h3=\":443\"", "OData-Version: 4.0"),
            List.of("OData-Version: 4.0")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requestCases")
  void upstreamRequestHeadersKeepOnlyEndToEndHeaders(
      String behaviour, List<String> incoming, List<String> expected) {
    MultiMap in = headers(incoming);
    assertEquals(expected, lines(HeaderPolicy.upstreamRequestHeaders(in)));
    assertEquals(incoming, lines(in), "the input is not modified");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("responseCases")
  void downstreamResponseHeadersKeepOnlyEndToEndHeaders(
      String behaviour, List<String> upstream, List<String> expected) {
    MultiMap in = headers(upstream);
    assertEquals(expected, lines(HeaderPolicy.downstreamResponseHeaders(in)));
    assertEquals(upstream, lines(in), "the input is not modified");
  }

  @Test
  void resultsAreCaseInsensitiveMultiMaps() {
    MultiMap out = HeaderPolicy.upstreamRequestHeaders(headers(List.of("Prefer: a", "PREFER: b")));
    assertEquals(List.of("a", "b"), out.getAll("prefer"));
    assertTrue(out.contains("pReFeR"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          MSCRMCallerID: 00000000-0000-0000-0000-000000000002 | true
          mscrmcallerid: x                                    | true
          CallerObjectId: 00000000-0000-0000-0000-000000000003 | true
          CALLEROBJECTID: x                                   | true
          CallerObjectId:                                     | true
          CallerObjectIdX: x                                  | false
          X-MSCRMCallerID: x                                  | false
          Accept: application/json                            | false
          """)
  void impersonationIsDetectedByHeaderNameInAnyCase(String header, boolean expected) {
    assertEquals(expected, HeaderPolicy.requestsImpersonation(headers(List.of(header))));
  }

  @Test
  void impersonationHeaderNamesAreLowerCase() {
    assertEquals(
        java.util.Set.of("callerobjectid", "mscrmcallerid"), HeaderPolicy.IMPERSONATION_HEADERS);
  }

  @Test
  void noHeadersMeansNoImpersonation() {
    assertFalse(HeaderPolicy.requestsImpersonation(MultiMap.caseInsensitiveMultiMap()));
  }

  /** A header of a {@code $batch} part, the part's Connection value, whether it is forwarded. */
  @ParameterizedTest(name = "{0} (Connection: {1}) -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          Authorization                                 | ''                      | false
          AUTHORIZATION                                 | ''                      | false
          X-Api-Key                                     | ''                      | false
          x-api-key                                     | ''                      | false
          Cookie                                        | ''                      | false
          Host                                          | ''                      | false
          Forwarded                                     | ''                      | false
          X-Forwarded-For                               | ''                      | false
          x-forwarded-host                              | ''                      | false
          X-FORWARDED-PROTO                             | ''                      | false
          X-Forwarded-Prefix                            | ''                      | false
          Connection                                    | ''                      | false
          Keep-Alive                                    | ''                      | false
          Proxy-Authenticate                            | ''                      | false
          Proxy-Authorization                           | ''                      | false
          TE                                            | ''                      | false
          Trailer                                       | ''                      | false
          Transfer-Encoding                             | ''                      | false
          Upgrade                                       | ''                      | false
          Proxy-Connection                              | ''                      | false
          Expect                                        | ''                      | false
          Accept-Encoding                               | ''                      | false
          X-HTTP-Method                                 | ''                      | false
          X-HTTP-Method-Override                        | ''                      | false
          X-Method-Override                             | ''                      | false
          X-Original-URL                                | ''                      | false
          X-Rewrite-URL                                 | ''                      | false
          :authority                                    | ''                      | false
          Content-Length                                | ''                      | true
          content-length                                | ''                      | true
          Content-Type                                  | ''                      | true
          Content-ID                                    | ''                      | true
          Content-Transfer-Encoding                     | ''                      | true
          Accept                                        | ''                      | true
          If-Match                                      | ''                      | true
          Prefer                                        | ''                      | true
          OData-Version                                 | ''                      | true
          CallerObjectId                                | ''                      | true
          MSCRMCallerID                                 | ''                      | true
          MSCRM.BypassCustomPluginExecution             | ''                      | true
          MSCRM.SuppressCallbackRegistrationExpanderJob | ''                      | true
          X-Forwarded                                   | ''                      | true
          X-Api-Key-Id                                  | ''                      | true
          Cookies-Accepted                              | ''                      | true
          Hostname                                      | ''                      | true
          X-Secret-Hop                                  | 'keep-alive, X-Secret-Hop' | false
          x-secret-hop                                  | X-SECRET-HOP            | false
          Content-Length                                | 'close, content-length' | false
          Accept                                        | x-other                 | true
          """)
  void forwardedInBatchDropsCredentialsRoutingAndHopByHopHeadersButKeepsContentLength(
      String name, String connection, boolean forwarded) {
    Set<String> named = HeaderPolicy.connectionTokens(List.of(connection));
    assertEquals(forwarded, HeaderPolicy.forwardedInBatch(name, named));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requestCases")
  void forwardedInBatchAgreesWithTheOuterRequestExceptForContentLength(
      String behaviour, List<String> incoming, List<String> ignored) {
    MultiMap in = headers(incoming);
    Set<String> named = HeaderPolicy.connectionTokens(in.getAll("Connection"));
    MultiMap outer = HeaderPolicy.upstreamRequestHeaders(in);
    for (String name : in.names()) {
      boolean expected = outer.contains(name) || name.equalsIgnoreCase("content-length");
      assertEquals(expected, HeaderPolicy.forwardedInBatch(name, named), name);
    }
  }

  static Stream<Arguments> privilegeCases() {
    Set<Privilege> bypass = Set.of(Privilege.BYPASS_BUSINESS_LOGIC);
    Set<Privilege> flows = Set.of(Privilege.SUPPRESS_FLOWS);
    return Stream.of(
        Arguments.of(List.of(), Set.of()),
        Arguments.of(List.of("MSCRM.BypassBusinessLogicExecution: CustomSync,CustomAsync"), bypass),
        Arguments.of(
            List.of(
                "MSCRM.BypassBusinessLogicExecutionStepIds: 00000000-0000-0000-0000-000000000001"),
            bypass),
        Arguments.of(List.of("MSCRM.BypassCustomPluginExecution: true"), bypass),
        Arguments.of(List.of("MSCRM.BypassCustomPluginExecution: false"), bypass),
        Arguments.of(List.of("mscrm.bypasscustompluginexecution: true"), bypass),
        Arguments.of(List.of("MSCRM.SuppressCallbackRegistrationExpanderJob: true"), flows),
        Arguments.of(List.of("MSCRM.SUPPRESSCALLBACKREGISTRATIONEXPANDERJOB:"), flows),
        Arguments.of(
            List.of(
                "MSCRM.BypassBusinessLogicExecution: CustomSync",
                "MSCRM.BypassCustomPluginExecution: true",
                "MSCRM.BypassBusinessLogicExecutionStepIds: 1"),
            bypass),
        Arguments.of(
            List.of(
                "MSCRM.SuppressCallbackRegistrationExpanderJob: true",
                "Accept: application/json",
                "MSCRM.BypassCustomPluginExecution: true"),
            Set.of(Privilege.BYPASS_BUSINESS_LOGIC, Privilege.SUPPRESS_FLOWS)),
        Arguments.of(List.of("MSCRM.SuppressDuplicateDetection: true"), Set.of()),
        Arguments.of(List.of("MSCRM.BypassCustomPluginExecutionX: true"), Set.of()),
        Arguments.of(List.of("X-MSCRM.BypassCustomPluginExecution: true"), Set.of()),
        Arguments.of(List.of("BypassCustomPluginExecution: true"), Set.of()),
        Arguments.of(List.of("CallerObjectId: 1", "MSCRMCallerID: 2"), Set.of()));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("privilegeCases")
  void requestedPrivilegesFollowTheHeaderNamesWhateverTheirValues(
      List<String> incoming, Set<Privilege> expected) {
    assertEquals(expected, HeaderPolicy.requestedPrivileges(headers(incoming)));
  }

  static Stream<Arguments> connectionValues() {
    return Stream.of(
        Arguments.of(List.of(), Set.of()),
        Arguments.of(List.of(""), Set.of()),
        Arguments.of(List.of(" , ,, "), Set.of()),
        Arguments.of(List.of("close"), Set.of("close")),
        Arguments.of(List.of("Keep-Alive, X-Secret-Hop"), Set.of("keep-alive", "x-secret-hop")),
        Arguments.of(List.of(" X-A ,,x-b", "X-C"), Set.of("x-a", "x-b", "x-c")),
        Arguments.of(List.of("X-A", "x-a"), Set.of("x-a")));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("connectionValues")
  void connectionTokensAreTheLowerCasedNamesOfEveryConnectionValue(
      List<String> values, Set<String> expected) {
    assertEquals(expected, HeaderPolicy.connectionTokens(values));
  }

  private static Arguments req(String behaviour, List<String> in, List<String> out) {
    return Arguments.of(behaviour, in, out);
  }

  private static MultiMap headers(List<String> lines) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (String line : lines) {
      int colon = line.indexOf(':');
      m.add(line.substring(0, colon), line.substring(colon + 1).trim());
    }
    return m;
  }

  private static List<String> lines(MultiMap m) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : m) {
      out.add(e.getKey() + ": " + e.getValue());
    }
    return out;
  }
}
