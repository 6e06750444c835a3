package io.dynagate.sandbox;

import static io.dynagate.sandbox.SandboxHttp.enc;
import static io.dynagate.sandbox.SandboxHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code Prefer: odata.include-annotations}: formatted values and lookup annotations. */
class AnnotationsTest {

  private static final String MCKAY = "7c3e2a51-8d4b-4f6e-a1b2-000000000001";
  private static final String KONERSMANN = "7c3e2a51-8d4b-4f6e-a1b2-000000000005";
  private static final String FORMATTED = "@OData.Community.Display.V1.FormattedValue";
  private static final String LOGICAL = "@Microsoft.Dynamics.CRM.lookuplogicalname";
  private static final String NAVIGATION = "@Microsoft.Dynamics.CRM.associatednavigationproperty";
  private static final String LOOKUP = "_parentcustomerid_value";

  @RegisterExtension
  static final SandboxExtension sandbox =
      SandboxExtension.started().resetBeforeEach().tokenBeforeEach();

  /** The instance annotation names of a record (control information left out). */
  private static Set<String> annotations(JsonObject record) {
    Set<String> names = new TreeSet<>();
    record.fieldNames().stream()
        .filter(n -> n.contains("@") && !n.startsWith("@odata."))
        .forEach(names::add);
    return names;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '`',
      value = {
        "odata.include-annotations=\"*\" ; F L N",
        "odata.include-annotations=* ; F L N",
        "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\" ; F",
        "odata.include-annotations=\"Microsoft.Dynamics.CRM.*\" ; L N",
        "odata.include-annotations=\"Microsoft.Dynamics.CRM.lookuplogicalname,OData.Community.Display.V1.FormattedValue\" ; F L",
        "odata.include-annotations=\"*,-Microsoft.Dynamics.CRM.lookuplogicalname\" ; F N",
        "odata.include-annotations=\"Other.Vocabulary.*\" ; ''",
        "return=representation ; ''",
      })
  void theRequestedAnnotationsOfALookup(String prefer, String expected) {
    HttpResponse<String> response =
        sandbox.api("GET", "contacts(" + MCKAY + ")", null, "Prefer", prefer);
    JsonObject record = json(response);

    Set<String> wanted = new TreeSet<>();
    for (String letter : expected.replace("''", "").split(" ")) {
      switch (letter) {
        case "F" -> wanted.add(LOOKUP + FORMATTED);
        case "L" -> wanted.add(LOOKUP + LOGICAL);
        case "N" -> wanted.add(LOOKUP + NAVIGATION);
        default -> {
          // none
        }
      }
    }
    assertEquals(wanted, annotations(record), prefer);
    if (wanted.contains(LOOKUP + FORMATTED)) {
      assertEquals("Contoso Ltd", record.getString(LOOKUP + FORMATTED));
    }
    if (wanted.contains(LOOKUP + LOGICAL)) {
      assertEquals("account", record.getString(LOOKUP + LOGICAL));
    }
    if (wanted.contains(LOOKUP + NAVIGATION)) {
      assertEquals("parentcustomerid_account", record.getString(LOOKUP + NAVIGATION));
    }
    Optional<String> applied = response.headers().firstValue("Preference-Applied");
    if (prefer.startsWith("odata.include-annotations")) {
      String value = prefer.substring(prefer.indexOf('=') + 1).replace("\"", "");
      assertEquals("odata.include-annotations=\"" + value + "\"", applied.orElseThrow());
    } else {
      assertTrue(applied.isEmpty());
    }
  }

  @Test
  void withoutThePreferenceThereAreNoAnnotations() {
    for (String path : List.of("accounts", "contacts", "accounts(" + SeedData.CONTOSO + ")")) {
      JsonObject body = json(sandbox.api("GET", path, null));
      JsonArray records =
          body.containsKey("value") ? body.getJsonArray("value") : new JsonArray().add(body);
      records.forEach(r -> assertEquals(Set.of(), annotations((JsonObject) r), path));
    }
  }

  @Test
  void moneyAndStateHaveFormattedValuesInCollections() {
    JsonObject body =
        json(
            sandbox.api(
                "GET",
                "accounts?$orderby=name&$filter=" + enc("revenue le 1500000"),
                null,
                "Prefer",
                "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\""));

    List<String> rows = new ArrayList<>();
    for (Object o : body.getJsonArray("value")) {
      JsonObject r = (JsonObject) o;
      rows.add(
          r.getString("name")
              + " "
              + r.getString("revenue" + FORMATTED)
              + " "
              + r.getString("statecode" + FORMATTED));
      assertFalse(r.containsKey("name" + FORMATTED), "text has no formatted value");
    }
    assertEquals(
        List.of(
            "Contoso Ltd $1,500,000.00 Active",
            "Fabrikam Inc $850,000.00 Active",
            "Litware Inc $1,500,000.00 Active",
            "Northwind Traders $420,000.00 Inactive"),
        rows);
  }

  @Test
  void annotationsComeRightBeforeTheirPropertyAndFollowSelect() {
    JsonObject record =
        json(
            sandbox.api(
                "GET",
                "contacts(" + MCKAY + ")?$select=lastname," + LOOKUP,
                null,
                "Prefer",
                "odata.include-annotations=\"*\""));

    List<String> names = new ArrayList<>(record.fieldNames());
    int value = names.indexOf(LOOKUP);
    assertEquals(
        Set.of(LOOKUP + FORMATTED, LOOKUP + LOGICAL, LOOKUP + NAVIGATION),
        new TreeSet<>(names.subList(value - 3, value)));
    assertEquals(3, annotations(record).size());
  }

  @Test
  void aLookupToAContactNamesItByFirstAndLastName() {
    String created =
        sandbox
            .api(
                "POST",
                "contacts",
                new JsonObject()
                    .put("lastname", "Child")
                    .put("parentcustomerid_contact@odata.bind", "/contacts(" + MCKAY + ")")
                    .encode(),
                "Prefer",
                "return=representation,odata.include-annotations=\"*\"")
            .body();
    JsonObject record = new JsonObject(created);

    assertEquals("Yvonne McKay", record.getString(LOOKUP + FORMATTED));
    assertEquals("contact", record.getString(LOOKUP + LOGICAL));
    assertEquals("parentcustomerid_contact", record.getString(LOOKUP + NAVIGATION));
  }

  @Test
  void aNullLookupHasNoAnnotations() {
    JsonObject record =
        json(
            sandbox.api(
                "GET",
                "contacts(" + KONERSMANN + ")",
                null,
                "Prefer",
                "odata.include-annotations=\"*\""));

    assertNull(record.getString(LOOKUP));
    assertEquals(Set.of(), annotations(record));
  }

  @Test
  void returnRepresentationCarriesAnnotationsAndSaysBothPreferencesApplied() {
    HttpResponse<String> response =
        sandbox.api(
            "POST",
            "accounts",
            new JsonObject()
                .put("name", "Annotated")
                .put("revenue", 1234.5)
                .put("statecode", 1)
                .encode(),
            "Prefer",
            "return=representation",
            "Prefer",
            "odata.include-annotations=\"*\"");

    assertEquals(201, response.statusCode());
    JsonObject record = json(response);
    assertEquals("$1,234.50", record.getString("revenue" + FORMATTED));
    assertEquals("Inactive", record.getString("statecode" + FORMATTED));
    assertEquals(
        "return=representation,odata.include-annotations=\"*\"",
        response.headers().firstValue("Preference-Applied").orElseThrow());
  }

  @Test
  void collectionsCarryTheTotalRecordCountAnnotations() {
    String prefer =
        "odata.include-annotations=\"Microsoft.Dynamics.CRM.totalrecordcount,"
            + "Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded\",odata.maxpagesize=2";
    HttpResponse<String> counted =
        sandbox.api("GET", "accounts?$count=true", null, "Prefer", prefer);
    JsonObject uncounted = json(sandbox.api("GET", "accounts", null, "Prefer", prefer));

    JsonObject body = json(counted);
    assertEquals(5, body.getInteger("@Microsoft.Dynamics.CRM.totalrecordcount"));
    assertEquals(false, body.getBoolean("@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded"));
    assertEquals(2, body.getJsonArray("value").size());
    assertEquals(-1, uncounted.getInteger("@Microsoft.Dynamics.CRM.totalrecordcount"));
    assertEquals(
        "odata.include-annotations=\"Microsoft.Dynamics.CRM.totalrecordcount,"
            + "Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded\",odata.maxpagesize=2",
        counted.headers().firstValue("Preference-Applied").orElseThrow());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "1500000, '$1,500,000.00'",
    "12.5, $12.50",
    "0, $0.00",
    "-5, -$5.00",
    "0.005, $0.01",
    "1234567.891, '$1,234,567.89'",
  })
  void moneyIsFormattedAsUsDollars(String amount, String formatted) {
    assertEquals(formatted, EntityJson.money(new BigDecimal(amount)));
  }

  @ParameterizedTest(name = "{0} / {1}")
  @CsvSource(
      delimiter = ';',
      value = {
        "*                                          ; OData.Community.Display.V1.FormattedValue ; true",
        "OData.Community.Display.V1.FormattedValue  ; OData.Community.Display.V1.FormattedValue ; true",
        "OData.Community.Display.V1.FormattedValue  ; Microsoft.Dynamics.CRM.lookuplogicalname  ; false",
        "Microsoft.Dynamics.CRM.*                   ; Microsoft.Dynamics.CRM.lookuplogicalname  ; true",
        "Microsoft.Dynamics.CRM.*                   ; OData.Community.Display.V1.FormattedValue ; false",
        "OData.*                                    ; OData.Community.Display.V1.FormattedValue ; true",
        "'a.b, Microsoft.Dynamics.CRM.lookuplogicalname' ; Microsoft.Dynamics.CRM.lookuplogicalname ; true",
        "'*,-OData.Community.Display.V1.*'          ; OData.Community.Display.V1.FormattedValue ; false",
        "'*,-OData.Community.Display.V1.*'          ; Microsoft.Dynamics.CRM.lookuplogicalname  ; true",
        "Microsoft.Dynamics.CRM.lookup              ; Microsoft.Dynamics.CRM.lookuplogicalname  ; false",
      })
  void annotationPatterns(String requested, String term, boolean included) {
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("Prefer", "odata.include-annotations=\"" + requested + "\"");
    Representation rep = Representation.of(headers, Prefer.of(headers));

    assertEquals(included, rep.includes(term));
  }

  @Test
  void preferKeepsCommasInsideQuotes() {
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("Prefer", "odata.include-annotations=\"a.b,c.*\", odata.maxpagesize=7")
            .add("Prefer", "return=representation");
    Prefer prefer = Prefer.of(headers);

    assertEquals(Optional.of("a.b,c.*"), prefer.includeAnnotations());
    assertEquals(7, prefer.maxPageSize().getAsInt());
    assertTrue(prefer.returnRepresentation());
  }
}
