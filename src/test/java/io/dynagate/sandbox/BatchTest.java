package io.dynagate.sandbox;

import static io.dynagate.sandbox.SandboxHttp.json;
import static io.dynagate.sandbox.SandboxHttp.prepend;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BatchTest {

  private static final String CONTOSO = SeedData.CONTOSO.toString();
  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");

  @RegisterExtension
  static final SandboxExtension sandbox =
      SandboxExtension.started().resetBeforeEach().tokenBeforeEach();

  private HttpResponse<String> batch(String body, String... headers) {
    return sandbox.bareApi(
        "POST",
        "$batch",
        body,
        prepend(headers, "Content-Type", "multipart/mixed; boundary=batch_AAA123"));
  }

  private static List<Integer> statuses(String body) {
    List<Integer> statuses = new ArrayList<>();
    Matcher m = STATUS_LINE.matcher(body);
    while (m.find()) {
      statuses.add(Integer.parseInt(m.group(1)));
    }
    return statuses;
  }

  private static String changeSet(String... requests) {
    StringBuilder sb =
        new StringBuilder("--batch_AAA123\r\n")
            .append("Content-Type: multipart/mixed; boundary=changeset_BBB456\r\n\r\n");
    for (String request : requests) {
      sb.append(request);
    }
    return sb.append("--changeset_BBB456--\r\n").toString();
  }

  private static String change(int contentId, String method, String target, JsonObject body) {
    return "--changeset_BBB456\r\n"
        + "Content-Type: application/http\r\n"
        + "Content-Transfer-Encoding: binary\r\n"
        + "Content-ID: "
        + contentId
        + "\r\n"
        + "\r\n"
        + method
        + " "
        + target
        + " HTTP/1.1\r\n"
        + "Content-Type: application/json; type=entry\r\n"
        + "\r\n"
        + body.encode()
        + "\r\n";
  }

  private static final String END = "--batch_AAA123--\r\n";

  @Test
  void getsAndAChangeSetWithAContentIdReferenceRunInOrder() {
    String body =
        get("/api/data/v9.2/accounts?$select=name&$top=1")
            + changeSet(
                change(
                    1, "POST", "/api/data/v9.2/accounts", new JsonObject().put("name", "Batch Co")),
                change(
                    2,
                    "POST",
                    "/api/data/v9.2/contacts",
                    new JsonObject()
                        .put("lastname", "Batcher")
                        .put("parentcustomerid_account@odata.bind", "$1")),
                change(3, "PATCH", "$1", new JsonObject().put("telephone1", "555-0999")))
            + get(sandbox.url("/api/data/v9.2/WhoAmI"))
            + END;

    HttpResponse<String> response = batch(body);

    assertEquals(200, response.statusCode());
    String contentType = response.headers().firstValue("Content-Type").orElseThrow();
    assertTrue(contentType.startsWith("multipart/mixed; boundary=batchresponse_"), contentType);
    assertEquals(List.of(200, 204, 204, 204, 200), statuses(response.body()));
    assertTrue(
        response.body().contains("Content-Type: multipart/mixed; boundary=changesetresponse_"));
    assertTrue(response.body().contains("Content-ID: 2"));

    JsonObject created =
        json(sandbox.api("GET", "accounts?$filter=name%20eq%20'Batch%20Co'", null))
            .getJsonArray("value")
            .getJsonObject(0);
    assertEquals("555-0999", created.getString("telephone1"));
    JsonObject contact =
        json(sandbox.api("GET", "contacts?$filter=lastname%20eq%20'Batcher'", null))
            .getJsonArray("value")
            .getJsonObject(0);
    assertEquals(created.getString("accountid"), contact.getString("_parentcustomerid_value"));
  }

  @Test
  void aFailingChangeSetIsUndoneAndAnsweredWithTheErrorAlone() {
    String body =
        changeSet(
                change(1, "POST", "accounts", new JsonObject().put("name", "Never Stored")),
                change(2, "PATCH", "accounts(" + CONTOSO + ")", new JsonObject().put("nope", 1)))
            + get("/api/data/v9.2/WhoAmI")
            + END;

    HttpResponse<String> response = batch(body);

    assertEquals(200, response.statusCode());
    assertEquals(List.of(400), statuses(response.body()), "stops at the failure");
    assertFalse(response.body().contains("changesetresponse_"));
    assertTrue(response.body().contains("0x80048d19"));
    assertEquals(
        0,
        json(sandbox.api("GET", "accounts?$filter=name%20eq%20'Never%20Stored'", null))
            .getJsonArray("value")
            .size());
  }

  @Test
  void continueOnErrorRunsTheRest() {
    String body = get("/api/data/v9.2/nosuchset") + get("/api/data/v9.2/WhoAmI") + END;

    HttpResponse<String> response = batch(body, "Prefer", "odata.continue-on-error");

    assertEquals(List.of(404, 200), statuses(response.body()));
    assertEquals(
        "odata.continue-on-error",
        response.headers().firstValue("Preference-Applied").orElseThrow());
  }

  @Test
  void aBatchCountsAsOneDataRequest() {
    batch(get("/api/data/v9.2/WhoAmI") + get("/api/data/v9.2/accounts") + END);

    assertEquals(1, sandbox.stats().getLong("dataRequests"));
  }

  /** One answer inside a batch response (change sets flattened). */
  private record Answer(int status, Map<String, String> headers, String body) {}

  /** Reads a multipart/mixed batch response, written here rather than with the emulator's code. */
  private static List<Answer> answers(HttpResponse<String> response) {
    String contentType = response.headers().firstValue("Content-Type").orElseThrow();
    return answers(response.body(), contentType.substring(contentType.indexOf("boundary=") + 9));
  }

  private static List<Answer> answers(String body, String boundary) {
    List<Answer> answers = new ArrayList<>();
    String[] parts = body.split("--" + Pattern.quote(boundary) + "(--)?\r\n");
    for (String part : parts) {
      if (part.isBlank()) {
        continue;
      }
      int blank = part.indexOf("\r\n\r\n");
      String mime = part.substring(0, blank);
      String rest = part.substring(blank + 4);
      Matcher nested = Pattern.compile("boundary=(\\S+)").matcher(mime);
      if (nested.find()) {
        answers.addAll(answers(rest, nested.group(1)));
        continue;
      }
      int end = rest.indexOf("\r\n\r\n");
      String[] head = rest.substring(0, end).split("\r\n");
      Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (int i = 1; i < head.length; i++) {
        headers.put(
            head[i].substring(0, head[i].indexOf(':')),
            head[i].substring(head[i].indexOf(':') + 1).trim());
      }
      String content = rest.substring(end + 4);
      answers.add(
          new Answer(
              Integer.parseInt(head[0].split(" ")[1]),
              headers,
              content.endsWith("\r\n") ? content.substring(0, content.length() - 2) : content));
    }
    return answers;
  }

  private static String get(String target, String... headers) {
    StringBuilder sb =
        new StringBuilder("--batch_AAA123\r\n")
            .append("Content-Type: application/http\r\n")
            .append("Content-Transfer-Encoding: binary\r\n\r\n")
            .append("GET ")
            .append(target)
            .append(" HTTP/1.1\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      sb.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  @Test
  void partsGetAnnotationsMetadataLevelsCountsAndOrderedPages() {
    String body =
        get(
                "/api/data/v9.2/accounts?$select=name,revenue&$orderby=revenue%20desc",
                "Prefer", "odata.include-annotations=\"*\",odata.maxpagesize=2")
            + get("/api/data/v9.2/accounts/$count?$filter=statecode%20eq%200")
            + get(
                sandbox.url("/api/data/v9.2/contacts(7c3e2a51-8d4b-4f6e-a1b2-000000000001)"),
                "Accept",
                "application/json;odata.metadata=full",
                "Prefer",
                "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\"")
            + END;

    List<Answer> answers = answers(batch(body));

    assertEquals(List.of(200, 200, 200), answers.stream().map(Answer::status).toList());
    Answer page = answers.get(0);
    JsonObject first = new JsonObject(page.body());
    assertEquals(
        List.of("Adventure Works", "Contoso Ltd"),
        first.getJsonArray("value").stream().map(r -> ((JsonObject) r).getString("name")).toList());
    assertEquals(
        "$2,300,000.00",
        first
            .getJsonArray("value")
            .getJsonObject(0)
            .getString("revenue@OData.Community.Display.V1.FormattedValue"));
    assertEquals(
        "odata.include-annotations=\"*\",odata.maxpagesize=2",
        page.headers().get("Preference-Applied"));
    String next = first.getString("@odata.nextLink");
    assertTrue(
        next.startsWith(
            sandbox.url(
                "/api/data/v9.2/accounts?$select=name,revenue&$orderby=revenue%20desc&$skiptoken=")),
        next);

    assertEquals("text/plain", answers.get(1).headers().get("Content-Type"));
    assertEquals("4", answers.get(1).body());

    Answer contact = answers.get(2);
    assertEquals("application/json; odata.metadata=full", contact.headers().get("Content-Type"));
    JsonObject record = new JsonObject(contact.body());
    assertEquals("#Microsoft.Dynamics.CRM.contact", record.getString("@odata.type"));
    assertEquals(
        "Contoso Ltd",
        record.getString("_parentcustomerid_value@OData.Community.Display.V1.FormattedValue"));

    // the next link, followed inside another batch, goes on in the same order
    Answer second = answers(batch(get(next, "Prefer", "odata.maxpagesize=2") + END)).get(0);
    assertEquals(
        List.of("Litware Inc", "Fabrikam Inc"),
        new JsonObject(second.body())
            .getJsonArray("value").stream().map(r -> ((JsonObject) r).getString("name")).toList());
  }

  @Test
  void changeSetWritesKeepTheirEntityIdsAndCarryAnnotations() {
    String body =
        changeSet(
                change(
                    1,
                    "POST",
                    "/api/data/v9.2/accounts",
                    new JsonObject()
                        .put("@odata.type", "#Microsoft.Dynamics.CRM.account")
                        .put("name", "Batch Annotated")
                        .put("revenue@odata.type", "#Decimal")
                        .put("revenue", 99.5)),
                changeWithHeaders(
                    2,
                    "POST",
                    "/api/data/v9.2/contacts",
                    new JsonObject()
                        .put("lastname", "Annotated")
                        .put("parentcustomerid_account@odata.bind", "$1"),
                    "Prefer",
                    "return=representation,odata.include-annotations=\"*\""))
            + END;

    List<Answer> answers = answers(batch(body));

    assertEquals(List.of(204, 201), answers.stream().map(Answer::status).toList());
    String accountId = answers.get(0).headers().get("OData-EntityId");
    assertTrue(accountId.startsWith(sandbox.url("/api/data/v9.2/accounts(")), accountId);
    Answer contact = answers.get(1);
    assertEquals(contact.headers().get("OData-EntityId"), contact.headers().get("Location"));
    JsonObject record = new JsonObject(contact.body());
    assertEquals(
        "Batch Annotated",
        record.getString("_parentcustomerid_value@OData.Community.Display.V1.FormattedValue"));
    assertEquals(
        "account",
        record.getString("_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname"));
    assertTrue(accountId.endsWith("(" + record.getString("_parentcustomerid_value") + ")"));
  }

  @Test
  void headIsNotAllowedInABatch() {
    String head =
        "--batch_AAA123\r\nContent-Type: application/http\r\n\r\nHEAD /api/data/v9.2/accounts HTTP/1.1\r\n\r\n";

    List<Answer> alone =
        answers(
            batch(head + get("/api/data/v9.2/WhoAmI") + END, "Prefer", "odata.continue-on-error"));
    HttpResponse<String> inChangeSet =
        batch(
            changeSet(
                    "--changeset_BBB456\r\nContent-Type: application/http\r\n\r\nHEAD accounts HTTP/1.1\r\n\r\n")
                + END);

    assertEquals(List.of(405, 200), alone.stream().map(Answer::status).toList());
    assertTrue(alone.get(0).body().contains("'HEAD' is not allowed in a $batch request"));
    assertEquals(400, inChangeSet.statusCode());
  }

  private static String changeWithHeaders(
      int contentId, String method, String target, JsonObject body, String... headers) {
    String plain = change(contentId, method, target, body);
    StringBuilder extra = new StringBuilder();
    for (int i = 0; i < headers.length; i += 2) {
      extra.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    return plain.replace(" HTTP/1.1\r\n", " HTTP/1.1\r\n" + extra);
  }

  @Test
  void theRequestLogHoldsTheBatchBodyAsReceived() {
    String body =
        changeSet(change(1, "POST", "accounts", new JsonObject().put("name", "Logged Co")))
            + get("/api/data/v9.2/WhoAmI")
            + END;

    batch(body);

    JsonObject entry = sandbox.requests().getJsonObject(0);
    assertEquals("/api/data/v9.2/$batch", entry.getString("path"));
    assertEquals(body, entry.getString("body"));
  }

  @Test
  void malformedBatchesAre400() {
    assertEquals(400, batch(get("/api/data/v9.2/WhoAmI")).statusCode(), "no close delimiter");
    assertEquals(
        400,
        batch(
                changeSet(
                        "--changeset_BBB456\r\nContent-Type: application/http\r\n\r\nGET accounts HTTP/1.1\r\n\r\n")
                    + END)
            .statusCode(),
        "GET inside a change set");
    assertEquals(
        400,
        sandbox
            .send(
                "POST",
                SandboxHttp.API + "$batch",
                END,
                "Authorization",
                "Bearer " + sandbox.testToken(),
                "Content-Type",
                "application/json")
            .statusCode(),
        "not multipart");
  }

  @Test
  void aBatchNeedsAValidToken() {
    sandbox.useToken("nope");

    assertEquals(401, batch(get("/api/data/v9.2/WhoAmI") + END).statusCode());
  }
}
