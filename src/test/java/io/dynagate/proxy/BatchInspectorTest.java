package io.dynagate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.dynagate.proxy.BatchInspector.BatchPart;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class BatchInspectorTest {
  private static final String ORG = "https://contoso.crm.dynamics.com";
  private static final String CT = "multipart/mixed; boundary=batch_AAA123";
  private static final String ID = "00000000-0000-0000-0000-000000000001";

  private final BatchInspector inspector =
      new BatchInspector(new PathPolicy(List.of("api/data/")), 5);

  /** A realistic Dataverse batch: GET, change set of POST (Content-ID 1) + PATCH $1, GET. */
  private static final String REALISTIC =
      String.join(
          "\n",
          "--batch_AAA123",
          "Content-Type: application/http",
          "Content-Transfer-Encoding: binary",
          "",
          "GET /api/data/v9.2/accounts?$select=name&$top=2 HTTP/1.1",
          "Accept: application/json",
          "",
          "--batch_AAA123",
          "Content-Type: multipart/mixed; boundary=changeset_BBB456",
          "",
          "--changeset_BBB456",
          "Content-Type: application/http",
          "Content-Transfer-Encoding: binary",
          "Content-ID: 1",
          "",
          "POST " + ORG + "/api/data/v9.2/tasks HTTP/1.1",
          "Content-Type: application/json; type=entry",
          "",
          "{\"subject\":\"Task 1 in batch\"}",
          "--changeset_BBB456",
          "Content-Type: application/http",
          "Content-Transfer-Encoding: binary",
          "Content-ID: 2",
          "",
          "PATCH $1 HTTP/1.1",
          "Content-Type: application/json; type=entry",
          "If-Match: *",
          "",
          "{\"description\":\"changed\"}",
          "--changeset_BBB456--",
          "",
          "--batch_AAA123",
          "Content-Type: application/http",
          "Content-Transfer-Encoding: binary",
          "",
          "GET api/data/v9.2/contacts(" + ID + ")?$select=fullname HTTP/1.1",
          "",
          "--batch_AAA123--",
          "");

  private List<BatchPart> inspect(String body) {
    return inspector.inspect(body.getBytes(StandardCharsets.UTF_8), CT, ORG);
  }

  private static String crlf(String lf) {
    return lf.replace("\n", "\r\n");
  }

  /** A batch with one top-level part per request (each: request line plus header lines). */
  private static String batch(String... requests) {
    StringBuilder b = new StringBuilder();
    for (String r : requests) {
      b.append("--batch_AAA123\nContent-Type: application/http\n")
          .append("Content-Transfer-Encoding: binary\n\n")
          .append(r)
          .append("\n\n");
    }
    return b.append("--batch_AAA123--\n").toString();
  }

  /** A batch holding one change set with the given requests, Content-IDs 1, 2, …. */
  private static String changeSet(String... requests) {
    StringBuilder b =
        new StringBuilder("--batch_AAA123\nContent-Type: multipart/mixed; boundary=cs_1\n\n");
    int id = 1;
    for (String r : requests) {
      b.append("--cs_1\nContent-Type: application/http\nContent-ID: ")
          .append(id++)
          .append("\n\n")
          .append(r)
          .append("\n\n{}\n");
    }
    return b.append("--cs_1--\n--batch_AAA123--\n").toString();
  }

  private void assertBadRequest(String body) {
    assertBadRequest(body, CT);
  }

  private void assertBadRequest(String body, String contentType) {
    GatewayProblem p =
        assertThrows(
            GatewayProblem.class,
            () -> inspector.inspect(body.getBytes(StandardCharsets.UTF_8), contentType, ORG));
    assertEquals(ProblemCode.BAD_REQUEST, p.code());
    assertTrue(p.detail().startsWith("The $batch body is malformed"), p.detail());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void realisticBatchListsEveryInnerRequestInOrder(boolean useCrlf) {
    List<BatchPart> parts = inspect(useCrlf ? crlf(REALISTIC) : REALISTIC);

    assertEquals(
        List.of("GET", "POST", "PATCH", "GET"), parts.stream().map(BatchPart::method).toList());
    assertEquals(
        List.of("accounts", "tasks", "tasks", "contacts"),
        parts.stream().map(p -> p.path().entitySet()).toList());
    assertEquals("api/data/v9.2/accounts", parts.get(0).path().path());
    assertEquals("$select=name&$top=2", parts.get(0).path().rawQuery());
    assertEquals("api/data/v9.2/tasks", parts.get(1).path().path());
    assertEquals("$1", parts.get(2).path().path());
    assertEquals("api/data/v9.2/contacts(" + ID + ")", parts.get(3).path().path());
    assertTrue(parts.stream().noneMatch(BatchPart::impersonation));
    assertTrue(parts.stream().noneMatch(p -> p.path().batch()));
    assertTrue(parts.stream().allMatch(p -> p.body() == BodyReach.NONE), "plain fields only");
  }

  @Test
  void writeBodiesAreReadForWhatTheyBindOrInsert() {
    String body =
        REALISTIC
            .replace(
                "{\"subject\":\"Task 1 in batch\"}",
                "{\"subject\":\"t\",\"regardingobjectid_contact@odata.bind\":\"/contacts("
                    + ID
                    + ")\"}")
            .replace("{\"description\":\"changed\"}", "{\"description\":{\"deep\":1}}");
    List<BatchPart> parts = inspect(body);
    assertEquals(java.util.Set.of("contacts"), parts.get(1).body().boundSets());
    assertFalse(parts.get(1).body().unknown());
    assertTrue(parts.get(2).body().unknown(), "a nested object is a deep insert");
    assertEquals(BodyReach.NONE, parts.get(3).body(), "reads are not inspected");
  }

  @Test
  void aWriteBodyThatIsNotJsonHasAnUnknownReach() {
    String body =
        REALISTIC.replace(
            "Content-Type: application/json; type=entry\n\n{\"subject\"",
            "Content-Type: text/plain\n\n{\"subject\"");
    assertTrue(inspect(body).get(1).body().unknown());
  }

  static Stream<Arguments> targets() {
    return Stream.of(
        Arguments.of("/api/data/v9.2/accounts", "api/data/v9.2/accounts", null),
        Arguments.of("api/data/v9.2/accounts", "api/data/v9.2/accounts", null),
        Arguments.of(ORG + "/api/data/v9.2/accounts?$top=1", "api/data/v9.2/accounts", "$top=1"),
        Arguments.of(
            "HTTPS://Contoso.CRM.Dynamics.com/api/data/v9.2/accounts",
            "api/data/v9.2/accounts",
            null));
  }

  @ParameterizedTest
  @MethodSource("targets")
  void relativeAndAbsoluteTargets(String target, String path, String query) {
    List<BatchPart> parts = inspect(batch("GET " + target + " HTTP/1.1"));
    assertEquals(1, parts.size());
    assertEquals(path, parts.get(0).path().path());
    assertEquals(query, parts.get(0).path().rawQuery());
    assertEquals("accounts", parts.get(0).path().entitySet());
  }

  @Test
  void orgUrlWithTrailingSlashIsAccepted() {
    List<BatchPart> parts =
        inspector.inspect(
            batch("GET " + ORG + "/api/data/v9.2/accounts HTTP/1.1")
                .getBytes(StandardCharsets.UTF_8),
            CT,
            ORG + "/");
    assertEquals("accounts", parts.get(0).path().entitySet());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://evil.example/api/data/v9.2/accounts",
        "https://contoso.crm.dynamics.com.evil.example/api/data/v9.2/accounts",
        "http://contoso.crm.dynamics.com/api/data/v9.2/accounts",
        "https://contoso.crm.dynamics.com@evil.example/api/data/v9.2/accounts",
        "//evil.example/api/data/v9.2/accounts",
        "api/data/v9.2/../../x",
        "/api/data/v9.2/%2e%2e/accounts",
        "api/data/v9.2/%2E%2E/accounts",
        "api/other/v1/accounts",
      })
  void foreignHostsAndNonCanonicalPathsAreNotAllowed(String target) {
    String body = batch("GET " + target + " HTTP/1.1");
    GatewayProblem p = assertThrows(GatewayProblem.class, () -> inspect(body));
    assertEquals(ProblemCode.PATH_NOT_ALLOWED, p.code());
    assertFalse(p.detail().contains("evil"), p.detail());
  }

  @Test
  void badPathInsideChangeSetIsNotAllowed() {
    GatewayProblem p =
        assertThrows(
            GatewayProblem.class,
            () -> inspect(changeSet("POST api/data/v9.2/%2e%2e/accounts HTTP/1.1")));
    assertEquals(ProblemCode.PATH_NOT_ALLOWED, p.code());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "CallerObjectId: 11111111-1111-1111-1111-111111111111",
        "callerobjectid: 11111111-1111-1111-1111-111111111111",
        "MSCRMCallerID: 22222222-2222-2222-2222-222222222222",
        "mscrmcallerid:x",
      })
  void impersonationHeaderIsDetected(String header) {
    List<BatchPart> parts =
        inspect(
            batch(
                "GET api/data/v9.2/accounts HTTP/1.1\nAccept: application/json",
                "GET api/data/v9.2/contacts HTTP/1.1\n" + header));
    assertFalse(parts.get(0).impersonation());
    assertTrue(parts.get(1).impersonation());
  }

  @Test
  void impersonationHeaderInBodyIsNotAHeader() {
    String body =
        "--batch_AAA123\nContent-Type: application/http\n\n"
            + "POST api/data/v9.2/notes HTTP/1.1\nContent-Type: text/plain\n\n"
            + "CallerObjectId: 1\n--batch_AAA123--\n";
    assertFalse(inspect(body).get(0).impersonation());
  }

  @Test
  void contentIdReferenceWithSuffixKeepsReferencedEntitySet() {
    List<BatchPart> parts =
        inspect(
            changeSet(
                "POST api/data/v9.2/accounts HTTP/1.1",
                "POST $1/contact_customer_accounts HTTP/1.1",
                "DELETE $2 HTTP/1.1"));
    assertEquals(
        List.of("accounts", "accounts", "accounts"),
        parts.stream().map(p -> p.path().entitySet()).toList());
    assertEquals("$1/contact_customer_accounts", parts.get(1).path().path());
  }

  @Test
  void longBodyLinesAreFine() {
    String json = "{\"description\":\"" + "x".repeat(100_000) + "\"}";
    String body =
        "--batch_AAA123\nContent-Type: application/http\n\n"
            + "POST api/data/v9.2/accounts HTTP/1.1\nContent-Type: application/json\n\n"
            + json
            + "\n--batch_AAA123--\n";
    assertEquals("POST", inspect(body).get(0).method());
  }

  @Test
  void exactlyMaxPartsIsAllowedAndOneMoreIsNot() {
    String[] five = new String[5];
    java.util.Arrays.fill(five, "GET api/data/v9.2/accounts HTTP/1.1");
    assertEquals(5, inspect(batch(five)).size());

    String[] six = new String[6];
    java.util.Arrays.fill(six, "GET api/data/v9.2/accounts HTTP/1.1");
    assertBadRequest(batch(six));

    String[] inChangeSets = new String[6];
    java.util.Arrays.fill(inChangeSets, "POST api/data/v9.2/accounts HTTP/1.1");
    assertBadRequest(changeSet(inChangeSets));
  }

  static Stream<Arguments> malformedBodies() {
    String get = "GET api/data/v9.2/accounts HTTP/1.1";
    return Stream.of(
        Arguments.of("no parts", "--batch_AAA123--\n"),
        Arguments.of("empty body", ""),
        Arguments.of("no boundary in body", "GET api/data/v9.2/accounts HTTP/1.1\n"),
        Arguments.of(
            "part is not application/http",
            "--batch_AAA123\nContent-Type: application/json\n\n{}\n--batch_AAA123--\n"),
        Arguments.of(
            "part without content type", "--batch_AAA123\n\n" + get + "\n--batch_AAA123--\n"),
        Arguments.of(
            "changeset is multipart/related",
            "--batch_AAA123\nContent-Type: multipart/related; boundary=cs\n\n"
                + "--cs\nContent-Type: application/http\n\n"
                + "POST api/data/v9.2/accounts HTTP/1.1\n\n--cs--\n--batch_AAA123--\n"),
        Arguments.of(
            "base64 transfer encoding",
            "--batch_AAA123\nContent-Type: application/http\n"
                + "Content-Transfer-Encoding: base64\n\nR0VUIC8=\n--batch_AAA123--\n"),
        Arguments.of("empty part", batch("")),
        Arguments.of("request line without version", batch("GET api/data/v9.2/accounts")),
        Arguments.of("request line with HTTP/2", batch("GET api/data/v9.2/accounts HTTP/2")),
        Arguments.of("request line with two spaces", batch("GET  api/data/v9.2/accounts HTTP/1.1")),
        Arguments.of("request line garbage", batch("hello world")),
        Arguments.of("unknown method", batch("FETCH api/data/v9.2/accounts HTTP/1.1")),
        Arguments.of("lowercase method", batch("get api/data/v9.2/accounts HTTP/1.1")),
        Arguments.of("connect method", batch("CONNECT api/data/v9.2/accounts HTTP/1.1")),
        Arguments.of("malformed inner header", batch(get + "\nno colon here")),
        Arguments.of("folded inner header", batch(get + "\nAccept: a\n  continued")),
        Arguments.of("nested batch", batch("POST api/data/v9.2/$batch HTTP/1.1")),
        Arguments.of("nested batch upper case", batch("POST /api/data/v9.2/$BATCH HTTP/1.1")),
        Arguments.of(
            "nested batch absolute", batch("POST " + ORG + "/api/data/v9.2/$batch HTTP/1.1")),
        Arguments.of(
            "GET in change set",
            changeSet(
                "POST api/data/v9.2/accounts HTTP/1.1", "GET api/data/v9.2/accounts HTTP/1.1")),
        Arguments.of("HEAD in change set", changeSet("HEAD api/data/v9.2/accounts HTTP/1.1")),
        Arguments.of("unknown reference", changeSet("PATCH $1 HTTP/1.1")),
        Arguments.of(
            "reference to later part",
            changeSet("PATCH $2 HTTP/1.1", "POST api/data/v9.2/accounts HTTP/1.1")),
        Arguments.of("reference outside change set", batch("PATCH $1 HTTP/1.1")),
        Arguments.of(
            "empty change set",
            "--batch_AAA123\nContent-Type: multipart/mixed; boundary=cs_1\n\n--cs_1--\n"
                + "--batch_AAA123--\n"),
        Arguments.of(
            "change set inside change set",
            "--batch_AAA123\nContent-Type: multipart/mixed; boundary=cs_1\n\n"
                + "--cs_1\nContent-Type: multipart/mixed; boundary=cs_2\n\n"
                + "--cs_2\nContent-Type: application/http\n\n"
                + "POST api/data/v9.2/accounts HTTP/1.1\n\n{}\n--cs_2--\n"
                + "--cs_1--\n--batch_AAA123--\n"),
        Arguments.of(
            "duplicate Content-ID",
            "--batch_AAA123\nContent-Type: multipart/mixed; boundary=cs_1\n\n"
                + "--cs_1\nContent-Type: application/http\nContent-ID: 1\n\n"
                + "POST api/data/v9.2/accounts HTTP/1.1\n\n{}\n"
                + "--cs_1\nContent-Type: application/http\nContent-ID: 1\n\n"
                + "POST api/data/v9.2/contacts HTTP/1.1\n\n{}\n"
                + "--cs_1--\n--batch_AAA123--\n"),
        Arguments.of(
            "overlong MIME header line",
            "--batch_AAA123\nContent-Type: application/http\nX-Long: "
                + "a".repeat(20_000)
                + "\n\n"
                + get
                + "\n--batch_AAA123--\n"),
        Arguments.of("overlong inner header", batch(get + "\nX-Long: " + "a".repeat(20_000))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedBodies")
  void malformedBodiesAreBadRequests(String name, String body) {
    assertBadRequest(body);
    assertBadRequest(crlf(body));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "multipart/mixed",
        "multipart/related; boundary=batch_AAA123",
        "application/json",
        "text/plain; boundary=batch_AAA123",
        "",
      })
  void contentTypeMustBeMultipartMixedWithBoundary(String contentType) {
    assertBadRequest(batch("GET api/data/v9.2/accounts HTTP/1.1"), contentType);
  }

  @Test
  void nullContentTypeIsBadRequest() {
    assertBadRequest(batch("GET api/data/v9.2/accounts HTTP/1.1"), null);
  }

  @Test
  void messagesNeverEchoBodyContent() {
    GatewayProblem p =
        assertThrows(
            GatewayProblem.class, () -> inspect(batch("SECRETMETHOD s3cr3t-target HTTP/1.1")));
    assertFalse(p.detail().contains("SECRET"), p.detail());
    assertFalse(p.detail().contains("s3cr3t"), p.detail());
  }

  @Test
  void quotedBoundaryAndPreambleAreAccepted() {
    String body = "preamble text\n" + batch("DELETE api/data/v9.2/accounts(" + ID + ") HTTP/1.1");
    List<BatchPart> parts =
        inspector.inspect(
            body.getBytes(StandardCharsets.UTF_8),
            "multipart/mixed; boundary=\"batch_AAA123\"",
            ORG);
    assertEquals("DELETE", parts.get(0).method());
    assertNull(parts.get(0).path().rawQuery());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "multipart/mixed; boundary=a; boundary=b",
        "multipart/mixed; boundary=a; Boundary=b",
        "multipart/mixed;boundary=a;boundary=a",
        "multipart/mixed; boundary=\"x;y\"; charset=utf-8; boundary=b"
      })
  void aContentTypeNamingAParameterTwiceIsMalformed(String contentType) {
    GatewayProblem p =
        assertThrows(GatewayProblem.class, () -> BatchInspector.checkParameters(contentType));
    assertEquals(ProblemCode.BAD_REQUEST, p.code());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "multipart/mixed; boundary=batch_1",
        "multipart/mixed; boundary=\"a;boundary=b\"",
        "multipart/mixed; boundary=\"a\\\";boundary=b\"; charset=utf-8",
        "multipart/mixed"
      })
  void distinctParametersAndQuotedSemicolonsPass(String contentType) {
    BatchInspector.checkParameters(contentType);
  }
}
