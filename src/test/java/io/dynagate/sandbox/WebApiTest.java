package io.dynagate.sandbox;

import static io.dynagate.sandbox.SandboxHttp.enc;
import static io.dynagate.sandbox.SandboxHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebApiTest {

  private static final String CONTOSO = SeedData.CONTOSO.toString();

  @RegisterExtension
  static final SandboxExtension sandbox =
      SandboxExtension.started().resetBeforeEach().tokenBeforeEach();

  @Test
  void collectionHasAbsoluteContextEtagsAndODataHeaders() {
    HttpResponse<String> response = sandbox.api("GET", "accounts", null);

    assertEquals(200, response.statusCode());
    assertEquals(
        "application/json; odata.metadata=minimal",
        response.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("4.0", response.headers().firstValue("OData-Version").orElseThrow());
    JsonObject body = json(response);
    assertEquals(sandbox.root() + "$metadata#accounts", body.getString("@odata.context"));
    JsonArray value = body.getJsonArray("value");
    assertEquals(5, value.size());
    JsonObject first = value.getJsonObject(0);
    assertTrue(first.getString("@odata.etag").matches("W/\"\\d+\""));
    for (String column :
        List.of("accountid", "name", "accountnumber", "telephone1", "revenue", "statecode")) {
      assertTrue(first.containsKey(column), column);
    }
    assertFalse(body.containsKey("@odata.nextLink"));
  }

  @Test
  void contactsAreSeededWithParentLookups() {
    JsonArray contacts = json(sandbox.api("GET", "contacts", null)).getJsonArray("value");

    assertEquals(5, contacts.size());
    long withContoso =
        contacts.stream()
            .map(JsonObject.class::cast)
            .filter(c -> CONTOSO.equals(c.getString("_parentcustomerid_value")))
            .count();
    assertEquals(2, withContoso);
  }

  @Test
  void selectReturnsOnlyTheSelectedColumnsAndTheKey() {
    HttpResponse<String> response = sandbox.api("GET", "accounts?$select=name,revenue", null);

    JsonObject body = json(response);
    assertEquals(
        sandbox.root() + "$metadata#accounts(name,revenue)", body.getString("@odata.context"));
    JsonObject first = body.getJsonArray("value").getJsonObject(0);
    assertEquals(
        Set.of("@odata.etag", "name", "revenue", "accountid"), new HashSet<>(first.fieldNames()));
  }

  @Test
  void filterEqOnTextIsCaseInsensitive() {
    JsonArray value =
        json(sandbox.api("GET", "accounts?$filter=" + enc("name eq 'contoso ltd'"), null))
            .getJsonArray("value");

    assertEquals(1, value.size());
    assertEquals(CONTOSO, value.getJsonObject(0).getString("accountid"));
  }

  @Test
  void filterEqOnNumbersAndAndBetweenClauses() {
    assertEquals(
        2,
        json(sandbox.api("GET", "accounts?$filter=" + enc("revenue eq 1500000"), null))
            .getJsonArray("value")
            .size());
    assertEquals(
        1,
        json(sandbox.api(
                "GET",
                "accounts?$filter=" + enc("revenue eq 1500000 and name eq 'Litware Inc'"),
                null))
            .getJsonArray("value")
            .size());
    assertEquals(
        1,
        json(sandbox.api("GET", "accounts?$filter=" + enc("statecode eq 1"), null))
            .getJsonArray("value")
            .size());
  }

  @Test
  void filterEqOnGuidLookupAndNull() {
    assertEquals(
        2,
        json(sandbox.api(
                "GET", "contacts?$filter=" + enc("_parentcustomerid_value eq " + CONTOSO), null))
            .getJsonArray("value")
            .size());
    assertEquals(
        1,
        json(sandbox.api("GET", "contacts?$filter=" + enc("_parentcustomerid_value eq null"), null))
            .getJsonArray("value")
            .size());
  }

  @Test
  void filterWithAQuoteInsideAString() {
    sandbox.api("POST", "accounts", new JsonObject().put("name", "O'Brien & Sons").encode());

    JsonArray value =
        json(sandbox.api("GET", "accounts?$filter=" + enc("name eq 'O''Brien & Sons'"), null))
            .getJsonArray("value");

    assertEquals(1, value.size());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not name eq 'x'",
        "tolower(name) eq 'x'",
        "contains(name,5)",
        "name eq 'unterminated",
        "name eq",
        "(name eq 'x'",
        "primarycontactid/fullname eq 'x'",
        "revenue eq 'text'",
        "name eq 5",
        "statecode eq 1.5",
        "name eq true",
      })
  void unsupportedOrIllTypedFiltersAre400DataverseErrors(String filter) {
    HttpResponse<String> response = sandbox.api("GET", "accounts?$filter=" + enc(filter), null);

    assertEquals(400, response.statusCode(), filter);
    JsonObject error = json(response).getJsonObject("error");
    assertEquals(DataverseException.QUERY_SYNTAX, error.getString("code"));
    assertFalse(error.getString("message").isBlank());
  }

  @Test
  void filterCombinesComparisonsFunctionsAndAliases() {
    String filter = "(revenue ge 1500000 or startswith(name,'fab')) and not (statecode eq 1)";
    JsonArray value =
        json(sandbox.api("GET", "accounts?$select=name&$filter=" + enc(filter), null))
            .getJsonArray("value");

    Set<String> names = new HashSet<>();
    value.forEach(r -> names.add(((JsonObject) r).getString("name")));
    assertEquals(Set.of("Contoso Ltd", "Adventure Works", "Fabrikam Inc", "Litware Inc"), names);

    JsonArray aliased =
        json(sandbox.api(
                "GET",
                "accounts?$filter=" + enc("name eq @p") + "&@p=" + enc("'Litware Inc'"),
                null))
            .getJsonArray("value");
    assertEquals(1, aliased.size());
  }

  @Test
  void unknownPropertyInSelectOrFilterIs400WithCode0x0() {
    for (String query : List.of("$select=Name", "$filter=" + enc("Name eq 'x'"))) {
      HttpResponse<String> response = sandbox.api("GET", "accounts?" + query, null);

      assertEquals(400, response.statusCode(), query);
      JsonObject error = json(response).getJsonObject("error");
      assertEquals("0x0", error.getString("code"));
      assertEquals(
          "Could not find a property named 'Name' on type 'Microsoft.Dynamics.CRM.account'.",
          error.getString("message"));
    }
  }

  @Test
  void unsupportedQueryOptionsAreRefused() {
    assertEquals(400, sandbox.api("GET", "accounts?$skip=2", null).statusCode());
    assertEquals(501, sandbox.api("GET", "accounts?$expand=primarycontactid", null).statusCode());
    assertEquals(400, sandbox.api("GET", "accounts?$orderby=name%20up", null).statusCode());
    assertEquals(400, sandbox.api("GET", "accounts?$top=-1", null).statusCode());
    assertEquals(400, sandbox.api("GET", "accounts?$top=2&$top=3", null).statusCode());
  }

  @Test
  void topLimitsTheRowsWithoutANextLink() {
    JsonObject body =
        json(sandbox.api("GET", "accounts?$top=2", null, "Prefer", "odata.maxpagesize=1"));

    assertEquals(2, body.getJsonArray("value").size());
    assertFalse(body.containsKey("@odata.nextLink"));
  }

  @Test
  void countSegmentAnswersPlainText() {
    HttpResponse<String> all = sandbox.api("GET", "accounts/$count", null);
    HttpResponse<String> active =
        sandbox.api("GET", "accounts/$count?$filter=" + enc("statecode eq 0"), null);

    assertEquals(200, all.statusCode());
    assertEquals("text/plain", all.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("5", all.body());
    assertEquals("4", active.body());
    assertEquals("5", sandbox.api("GET", "contacts/$count", null).body());
  }

  @Test
  void countAddsTheNumberOfMatchingRows() {
    JsonObject body =
        json(
            sandbox.api(
                "GET",
                "accounts?$count=true&$filter=" + enc("statecode eq 0"),
                null,
                "Prefer",
                "odata.maxpagesize=1"));

    assertEquals(4, body.getInteger("@odata.count"));
    assertEquals(1, body.getJsonArray("value").size());
  }

  @Test
  void pagingWithMaxPageSizeVisitsEveryRecordOnceThroughAbsoluteNextLinks() {
    for (int i = 0; i < 4; i++) {
      sandbox.api("POST", "accounts", new JsonObject().put("name", "Extra " + i).encode());
    }
    List<String> seen = new ArrayList<>();
    String url = sandbox.root() + "accounts?$select=name";
    int pages = 0;
    while (url != null) {
      HttpResponse<String> response =
          sandbox.api("GET", url, null, "Prefer", "odata.maxpagesize=2");
      assertEquals(200, response.statusCode(), response.body());
      assertEquals(
          "odata.maxpagesize=2", response.headers().firstValue("Preference-Applied").orElse(""));
      JsonObject body = json(response);
      JsonArray value = body.getJsonArray("value");
      assertTrue(value.size() <= 2);
      value.forEach(r -> seen.add(((JsonObject) r).getString("accountid")));
      url = body.getString("@odata.nextLink");
      if (url != null) {
        assertTrue(url.startsWith(sandbox.root() + "accounts?$select=name&$skiptoken="), url);
      }
      pages++;
    }

    assertEquals(9, seen.size());
    assertEquals(9, new HashSet<>(seen).size(), "a record was seen twice");
    assertEquals(5, pages);
  }

  @Test
  void nextLinkKeepsTheFilter() {
    HttpResponse<String> first =
        sandbox.api(
            "GET",
            "accounts?$filter=" + enc("statecode eq 0") + "&$select=name",
            null,
            "Prefer",
            "odata.maxpagesize=3");
    JsonObject body = json(first);
    String next = body.getString("@odata.nextLink");
    assertTrue(next.contains("$filter=" + enc("statecode eq 0")), next);

    JsonObject second = json(sandbox.api("GET", next, null, "Prefer", "odata.maxpagesize=3"));

    assertEquals(3, body.getJsonArray("value").size());
    assertEquals(1, second.getJsonArray("value").size());
    assertNull(second.getString("@odata.nextLink"));
  }

  @Test
  void orderByWithTopFilterAndSelect() {
    JsonObject body =
        json(
            sandbox.api(
                "GET",
                "accounts?$select=name&$filter="
                    + enc("statecode eq 0")
                    + "&$orderby="
                    + enc("revenue desc,name")
                    + "&$top=3",
                null));

    List<String> names = new ArrayList<>();
    body.getJsonArray("value").forEach(r -> names.add(((JsonObject) r).getString("name")));
    assertEquals(List.of("Adventure Works", "Contoso Ltd", "Litware Inc"), names);
  }

  @Test
  void pagingUnderAnOrderVisitsEveryRowOnceInOrderEvenWhenRowsAreAddedMeanwhile() {
    // ties, case variants and nulls in the sort column, so the cookie needs more than the key
    for (String name : List.of("alpha", "Alpha", "ALPHA", "beta", "Beta")) {
      sandbox.api(
          "POST", "accounts", new JsonObject().put("name", name).put("revenue", 7).encode());
    }
    sandbox.api("POST", "accounts", new JsonObject().put("revenue", 7).encode());
    sandbox.api("POST", "accounts", new JsonObject().put("revenue", 8).encode());
    String query =
        "accounts?$select=name,revenue&$orderby=" + enc("name desc,revenue") + "&$count=true";
    List<String> expected = ids(json(sandbox.api("GET", query, null)).getJsonArray("value"));
    assertEquals(12, expected.size());

    List<String> seen = new ArrayList<>();
    String url = sandbox.root() + query;
    int pages = 0;
    while (url != null) {
      JsonObject body = json(sandbox.api("GET", url, null, "Prefer", "odata.maxpagesize=3"));
      assertEquals(pages == 0 ? 12 : 13, body.getInteger("@odata.count"));
      seen.addAll(ids(body.getJsonArray("value")));
      url = body.getString("@odata.nextLink");
      if (url != null) {
        assertTrue(url.startsWith(sandbox.root() + query + "&$skiptoken="), url);
      }
      if (pages++ == 0) {
        // sorts before the cursor ("zulu" > every name, descending): not seen on later pages
        sandbox.api("POST", "accounts", new JsonObject().put("name", "zulu").encode());
      }
    }

    assertEquals(expected, seen);
    assertEquals(4, pages);
  }

  private static List<String> ids(JsonArray value) {
    List<String> ids = new ArrayList<>();
    value.forEach(r -> ids.add(((JsonObject) r).getString("accountid")));
    return ids;
  }

  @Test
  void aBrokenSkipTokenIs400() {
    assertEquals(400, sandbox.api("GET", "accounts?$skiptoken=garbage", null).statusCode());
  }

  @Test
  void createReadUpdateDeleteRoundTrip() {
    HttpResponse<String> created =
        sandbox.api(
            "POST",
            "accounts",
            new JsonObject().put("name", "Tailspin Toys").put("revenue", 12.5).encode());
    assertEquals(204, created.statusCode(), created.body());
    String entityId = created.headers().firstValue("OData-EntityId").orElseThrow();
    assertTrue(entityId.matches("\\Q" + sandbox.root() + "accounts(\\E[0-9a-f-]{36}\\)"), entityId);

    HttpResponse<String> read = sandbox.api("GET", entityId, null);
    assertEquals(200, read.statusCode());
    JsonObject record = json(read);
    assertEquals("Tailspin Toys", record.getString("name"));
    assertEquals(12.5, record.getDouble("revenue"));
    assertEquals(sandbox.root() + "$metadata#accounts/$entity", record.getString("@odata.context"));
    assertEquals(record.getString("@odata.etag"), read.headers().firstValue("ETag").orElseThrow());

    HttpResponse<String> updated =
        sandbox.api("PATCH", entityId, new JsonObject().put("telephone1", "555-9999").encode());
    assertEquals(204, updated.statusCode());
    JsonObject after = json(sandbox.api("GET", entityId, null));
    assertEquals("555-9999", after.getString("telephone1"));
    assertEquals("Tailspin Toys", after.getString("name"));
    assertNotEquals(record.getString("@odata.etag"), after.getString("@odata.etag"));

    assertEquals(204, sandbox.api("DELETE", entityId, null).statusCode());
    assertEquals(404, sandbox.api("GET", entityId, null).statusCode());
    assertEquals(404, sandbox.api("DELETE", entityId, null).statusCode());
  }

  @Test
  void createWithReturnRepresentationIs201WithTheRecord() {
    HttpResponse<String> response =
        sandbox.api(
            "POST",
            "accounts?$select=name",
            new JsonObject().put("name", "Wingtip").encode(),
            "Prefer",
            "return=representation");

    assertEquals(201, response.statusCode());
    JsonObject body = json(response);
    assertEquals("Wingtip", body.getString("name"));
    assertEquals(
        sandbox.root() + "$metadata#accounts(name)/$entity", body.getString("@odata.context"));
    assertEquals(
        sandbox.root() + "accounts(" + body.getString("accountid") + ")",
        response.headers().firstValue("OData-EntityId").orElseThrow());
  }

  @Test
  void patchWithReturnRepresentationIs200() {
    HttpResponse<String> response =
        sandbox.api(
            "PATCH",
            "accounts(" + CONTOSO + ")",
            new JsonObject().put("name", "Contoso Renamed").encode(),
            "Prefer",
            "return=representation",
            "If-Match",
            "*");

    assertEquals(200, response.statusCode());
    assertEquals("Contoso Renamed", json(response).getString("name"));
  }

  @Test
  void retrieveUnknownKeyIs404RecordNotFound() {
    UUID id = UUID.randomUUID();
    HttpResponse<String> response = sandbox.api("GET", "accounts(" + id + ")", null);

    assertEquals(404, response.statusCode());
    JsonObject error = json(response).getJsonObject("error");
    assertEquals("0x80040217", error.getString("code"));
    assertTrue(error.getString("message").contains(id.toString()));
  }

  @Test
  void ifMatchWithAStaleEtagIs412AndChangesNothing() {
    String url = "accounts(" + CONTOSO + ")";
    String etag = sandbox.api("GET", url, null).headers().firstValue("ETag").orElseThrow();
    sandbox.api("PATCH", url, new JsonObject().put("telephone1", "1").encode());

    HttpResponse<String> stale =
        sandbox.api("PATCH", url, new JsonObject().put("name", "Lost").encode(), "If-Match", etag);

    assertEquals(412, stale.statusCode());
    assertEquals("0x80060882", json(stale).getJsonObject("error").getString("code"));
    assertEquals("Contoso Ltd", json(sandbox.api("GET", url, null)).getString("name"));
    assertEquals(412, sandbox.api("DELETE", url, null, "If-Match", etag).statusCode());
  }

  @Test
  void ifMatchWithTheCurrentEtagUpdates() {
    String url = "accounts(" + CONTOSO + ")";
    String etag = sandbox.api("GET", url, null).headers().firstValue("ETag").orElseThrow();

    HttpResponse<String> response =
        sandbox.api("PATCH", url, new JsonObject().put("name", "Fresh").encode(), "If-Match", etag);

    assertEquals(204, response.statusCode());
  }

  @Test
  void ifMatchStarOnAMissingRecordIs404() {
    HttpResponse<String> response =
        sandbox.api(
            "PATCH",
            "accounts(" + UUID.randomUUID() + ")",
            new JsonObject().put("name", "Ghost").encode(),
            "If-Match",
            "*");

    assertEquals(404, response.statusCode());
    assertEquals("0x80040217", json(response).getJsonObject("error").getString("code"));
  }

  @Test
  void patchOnAMissingKeyWithoutIfMatchCreatesTheRecord() {
    UUID id = UUID.randomUUID();

    HttpResponse<String> response =
        sandbox.api(
            "PATCH", "accounts(" + id + ")", new JsonObject().put("name", "Upserted").encode());

    assertEquals(204, response.statusCode());
    assertEquals(
        sandbox.root() + "accounts(" + id + ")",
        response.headers().firstValue("OData-EntityId").orElseThrow());
    assertEquals(
        "Upserted", json(sandbox.api("GET", "accounts(" + id + ")", null)).getString("name"));
  }

  @Test
  void ifNoneMatchStarPreventsAnUpsertFromUpdating() {
    HttpResponse<String> response =
        sandbox.api(
            "PATCH",
            "accounts(" + CONTOSO + ")",
            new JsonObject().put("name", "Nope").encode(),
            "If-None-Match",
            "*");

    assertEquals(412, response.statusCode());
    assertEquals(
        "Contoso Ltd",
        json(sandbox.api("GET", "accounts(" + CONTOSO + ")", null)).getString("name"));
  }

  @Test
  void conditionalGetWithTheCurrentEtagIs304() {
    String url = "accounts(" + CONTOSO + ")";
    String etag = sandbox.api("GET", url, null).headers().firstValue("ETag").orElseThrow();

    assertEquals(304, sandbox.api("GET", url, null, "If-None-Match", etag).statusCode());
    assertEquals(200, sandbox.api("GET", url, null, "If-None-Match", "null").statusCode());
  }

  @Test
  void createWithAnExistingKeyIs412Duplicate() {
    HttpResponse<String> response =
        sandbox.api("POST", "accounts", new JsonObject().put("accountid", CONTOSO).encode());

    assertEquals(412, response.statusCode());
    assertEquals("0x80040237", json(response).getJsonObject("error").getString("code"));
  }

  @Test
  void odataBindSetsTheLookup() {
    HttpResponse<String> created =
        sandbox.api(
            "POST",
            "contacts",
            new JsonObject()
                .put("lastname", "Bound")
                .put("parentcustomerid_account@odata.bind", "/accounts(" + CONTOSO + ")")
                .encode(),
            "Prefer",
            "return=representation");

    assertEquals(201, created.statusCode(), created.body());
    assertEquals(CONTOSO, json(created).getString("_parentcustomerid_value"));
  }

  @Test
  void odataBindToAMissingRecordIs404() {
    HttpResponse<String> response =
        sandbox.api(
            "POST",
            "contacts",
            new JsonObject()
                .put("parentcustomerid_account@odata.bind", "/accounts(" + UUID.randomUUID() + ")")
                .encode());

    assertEquals(404, response.statusCode());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{not json",
        "[1,2]",
        "",
        "{\"nosuchcolumn\":1}",
        "{\"revenue\":\"lots\"}",
        "{\"statecode\":1.5}",
        "{\"name\":42}",
        "{\"_parentcustomerid_value\":\"0f9d6f4a-1c2b-4e8a-9f10-000000000001\"}",
      })
  void badBodiesAre400PayloadErrors(String body) {
    String set = body.contains("_parentcustomerid") ? "contacts" : "accounts";
    HttpResponse<String> response = sandbox.api("POST", set, body);

    assertEquals(400, response.statusCode(), body);
    assertEquals("0x80048d19", json(response).getJsonObject("error").getString("code"));
  }

  @Test
  void unknownEntitySetIs404ResourceNotFoundForTheSegment() {
    HttpResponse<String> response = sandbox.api("GET", "Account", null);

    assertEquals(404, response.statusCode());
    assertEquals(
        new JsonObject()
            .put(
                "error",
                new JsonObject()
                    .put("code", DataverseException.RESOURCE_NOT_FOUND)
                    .put("message", "Resource not found for the segment 'Account'.")),
        json(response));
    assertEquals(
        "application/json; odata.metadata=minimal",
        response.headers().firstValue("Content-Type").orElseThrow());
  }

  @Test
  void whoAmIAnswersTheCallerIds() {
    HttpResponse<String> response = sandbox.api("GET", "WhoAmI", null);

    assertEquals(200, response.statusCode());
    JsonObject body = json(response);
    assertEquals(
        sandbox.root() + "$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse",
        body.getString("@odata.context"));
    for (String id : List.of("BusinessUnitId", "UserId", "OrganizationId")) {
      UUID.fromString(body.getString(id));
    }
    assertEquals(404, sandbox.api("POST", "WhoAmI", "{}").statusCode());
  }

  @Test
  void wrongMethodIs405AndUnknownKeySyntaxIs400() {
    assertEquals(405, sandbox.api("DELETE", "accounts", null).statusCode());
    assertEquals(405, sandbox.api("POST", "accounts(" + CONTOSO + ")", "{}").statusCode());
    assertEquals(400, sandbox.api("GET", "accounts(not-a-guid)", null).statusCode());
  }

  @Test
  void serviceDocumentListsTheEntitySets() {
    JsonObject body = json(sandbox.api("GET", "", null));

    assertEquals(sandbox.root() + "$metadata", body.getString("@odata.context"));
    assertEquals(2, body.getJsonArray("value").size());
  }

  @Test
  void resetBringsTheSeedDataBack() {
    sandbox.api("DELETE", "accounts(" + CONTOSO + ")", null);
    sandbox.api("POST", "accounts", new JsonObject().put("name", "New").encode());

    sandbox.reset();
    sandbox.useToken(sandbox.token());

    JsonArray value = json(sandbox.api("GET", "accounts", null)).getJsonArray("value");
    assertEquals(5, value.size());
    assertEquals(200, sandbox.api("GET", "accounts(" + CONTOSO + ")", null).statusCode());
  }
}
