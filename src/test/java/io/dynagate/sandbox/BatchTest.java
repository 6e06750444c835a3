package io.dynagate.sandbox;

import static io.dynagate.sandbox.SandboxHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchTest {

  private static final String CONTOSO = SeedData.CONTOSO.toString();
  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");

  private static SandboxHttp sandbox;
  private String token;

  @BeforeAll
  static void start() {
    sandbox = SandboxHttp.start();
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  @BeforeEach
  void reset() {
    sandbox.reset();
    token = sandbox.token();
  }

  private HttpResponse<String> batch(String body, String... headers) {
    String[] all = new String[headers.length + 2];
    all[0] = "Content-Type";
    all[1] = "multipart/mixed; boundary=batch_AAA123";
    System.arraycopy(headers, 0, all, 2, headers.length);
    return sandbox.send(
        "POST",
        SandboxHttp.API + "$batch",
        body,
        prepend(all, "Authorization", "Bearer " + token, "OData-Version", "4.0"));
  }

  private static String[] prepend(String[] rest, String... first) {
    String[] all = new String[first.length + rest.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(rest, 0, all, first.length, rest.length);
    return all;
  }

  private static List<Integer> statuses(String body) {
    List<Integer> statuses = new ArrayList<>();
    Matcher m = STATUS_LINE.matcher(body);
    while (m.find()) {
      statuses.add(Integer.parseInt(m.group(1)));
    }
    return statuses;
  }

  private static String get(String target) {
    return "--batch_AAA123\r\n"
        + "Content-Type: application/http\r\n"
        + "Content-Transfer-Encoding: binary\r\n"
        + "\r\n"
        + "GET "
        + target
        + " HTTP/1.1\r\n"
        + "Accept: application/json\r\n"
        + "\r\n";
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
        json(sandbox.apiWith(token, "GET", "accounts?$filter=name%20eq%20'Batch%20Co'", null))
            .getJsonArray("value")
            .getJsonObject(0);
    assertEquals("555-0999", created.getString("telephone1"));
    JsonObject contact =
        json(sandbox.apiWith(token, "GET", "contacts?$filter=lastname%20eq%20'Batcher'", null))
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
        json(sandbox.apiWith(token, "GET", "accounts?$filter=name%20eq%20'Never%20Stored'", null))
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
                "Bearer " + token,
                "Content-Type",
                "application/json")
            .statusCode(),
        "not multipart");
  }

  @Test
  void aBatchNeedsAValidToken() {
    token = "nope";

    assertEquals(401, batch(get("/api/data/v9.2/WhoAmI") + END).statusCode());
  }
}
