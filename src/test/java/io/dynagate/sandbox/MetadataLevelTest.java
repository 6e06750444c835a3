package io.dynagate.sandbox;

import static io.dynagate.sandbox.SandboxHttp.json;
import static io.dynagate.sandbox.SandboxHttp.prepend;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.olingo.client.api.ODataClient;
import org.apache.olingo.client.api.communication.request.retrieve.ODataEntitySetRequest;
import org.apache.olingo.client.api.domain.ClientEntity;
import org.apache.olingo.client.api.domain.ClientEntitySet;
import org.apache.olingo.client.core.ODataClientFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code Accept: application/json;odata.metadata=minimal|full|none} on reads. */
class MetadataLevelTest {

  private static final String CONTOSO = SeedData.CONTOSO.toString();

  @RegisterExtension
  static final SandboxExtension sandbox =
      SandboxExtension.started().resetBeforeEach().tokenBeforeEach();

  /** A call whose Accept header is {@code accept} (the helper's default Accept comes first). */
  private HttpResponse<String> get(String path, String accept, String... headers) {
    return sandbox.bareApi("GET", path, null, prepend(headers, "Accept", accept));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "application/json                                            | minimal",
        "application/json;odata.metadata=minimal                     | minimal",
        "application/json;odata.metadata=full                        | full",
        "application/json; odata.metadata=full; odata.streaming=true | full",
        "application/json;odata.streaming=true;odata.metadata=none   | none",
        "application/json;odata.metadata=bogus                       | minimal",
      })
  void theContentTypeNamesTheMetadataLevel(String accept, String level) {
    for (String path : List.of("accounts", "accounts(" + CONTOSO + ")", "WhoAmI", "")) {
      HttpResponse<String> response = get(path, accept);

      assertEquals(200, response.statusCode(), path);
      assertEquals(
          "application/json; odata.metadata=" + level,
          response.headers().firstValue("Content-Type").orElseThrow(),
          path);
    }
  }

  @Test
  void fullMetadataAddsTypeIdEditLinkAndPropertyTypes() {
    JsonObject account =
        json(get(
                "accounts?$filter=name%20eq%20'Contoso%20Ltd'",
                "application/json;odata.metadata=full"))
            .getJsonArray("value")
            .getJsonObject(0);

    assertEquals("#Microsoft.Dynamics.CRM.account", account.getString("@odata.type"));
    assertEquals(sandbox.root() + "accounts(" + CONTOSO + ")", account.getString("@odata.id"));
    assertEquals("accounts(" + CONTOSO + ")", account.getString("@odata.editLink"));
    assertTrue(account.getString("@odata.etag").startsWith("W/\""));
    assertEquals("#Decimal", account.getString("revenue@odata.type"));
    assertEquals("#Int32", account.getString("statecode@odata.type"));
    assertEquals("#Guid", account.getString("accountid@odata.type"));
    for (String text : List.of("name", "accountnumber", "telephone1")) {
      assertFalse(account.containsKey(text + "@odata.type"), text);
    }
    assertEquals(
        "accounts(" + CONTOSO + ")/contact_customer_accounts",
        account.getString("contact_customer_accounts@odata.navigationLink"));
  }

  @Test
  void fullMetadataOnARecordWithALookupAndOnWhoAmI() {
    JsonObject contact =
        json(
            get(
                "contacts(7c3e2a51-8d4b-4f6e-a1b2-000000000001)",
                "application/json;odata.metadata=full"));
    JsonObject whoAmI = json(get("WhoAmI", "application/json;odata.metadata=full"));

    assertEquals(
        sandbox.root() + "$metadata#contacts/$entity", contact.getString("@odata.context"));
    assertEquals("#Microsoft.Dynamics.CRM.contact", contact.getString("@odata.type"));
    assertEquals("#Guid", contact.getString("_parentcustomerid_value@odata.type"));
    assertTrue(contact.containsKey("parentcustomerid_account@odata.navigationLink"));
    assertEquals("#Microsoft.Dynamics.CRM.WhoAmIResponse", whoAmI.getString("@odata.type"));
    assertEquals("#Guid", whoAmI.getString("UserId@odata.type"));
  }

  @Test
  void noMetadataMeansNoAnnotationsAtAllButKeepsTheNextLinkAndCount() {
    HttpResponse<String> response =
        get(
            "accounts?$count=true&$select=name,revenue",
            "application/json;odata.metadata=none",
            "Prefer",
            "odata.include-annotations=\"*\",odata.maxpagesize=2");

    JsonObject body = json(response);
    assertEquals(
        Set.of("@odata.count", "value", "@odata.nextLink"), new TreeSet<>(body.fieldNames()));
    assertEquals(5, body.getInteger("@odata.count"));
    JsonObject first = body.getJsonArray("value").getJsonObject(0);
    assertEquals(Set.of("accountid", "name", "revenue"), new TreeSet<>(first.fieldNames()));
    assertEquals(
        "odata.maxpagesize=2", response.headers().firstValue("Preference-Applied").orElseThrow());

    JsonObject next =
        json(
            get(
                body.getString("@odata.nextLink"),
                "application/json;odata.metadata=none",
                "Prefer",
                "odata.maxpagesize=2"));
    assertEquals(2, next.getJsonArray("value").size());
    JsonObject record =
        json(get("accounts(" + CONTOSO + ")", "application/json;odata.metadata=none"));
    assertNull(record.getString("@odata.context"));
    assertNull(record.getString("@odata.etag"));
    assertEquals("Contoso Ltd", record.getString("name"));
  }

  @Test
  void olingoReadsAnEntitySetWithItsDefaultFullMetadata() {
    ODataClient client = ODataClientFactory.getClient();
    ODataEntitySetRequest<ClientEntitySet> request =
        client
            .getRetrieveRequestFactory()
            .getEntitySetRequest(URI.create(sandbox.root() + "accounts?$orderby=name"));
    request.addCustomHeader("Authorization", "Bearer " + sandbox.testToken());

    ClientEntitySet set = request.execute().getBody();

    assertEquals(5, set.getEntities().size());
    ClientEntity first = set.getEntities().get(0);
    assertEquals("Microsoft.Dynamics.CRM.account", first.getTypeName().toString());
    assertEquals("Adventure Works", first.getProperty("name").getPrimitiveValue().toString());
    assertEquals("Edm.Decimal", first.getProperty("revenue").getPrimitiveValue().getTypeName());
    assertEquals(
        0,
        new BigDecimal("2300000")
            .compareTo((BigDecimal) first.getProperty("revenue").getPrimitiveValue().toValue()));
    assertEquals(
        URI.create(sandbox.root() + "accounts(" + SeedData.ADVENTURE_WORKS + ")"), first.getId());
    String accept =
        sandbox
            .requests()
            .getJsonObject(0)
            .getJsonObject("headers")
            .getJsonArray("accept")
            .getString(0);
    assertTrue(accept.contains("odata.metadata=full"), accept);
  }
}
