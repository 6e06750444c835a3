package io.dynagate.sandbox;

import static io.dynagate.sandbox.SandboxHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpResponse;
import org.apache.olingo.client.api.ODataClient;
import org.apache.olingo.client.api.communication.request.cud.ODataEntityCreateRequest;
import org.apache.olingo.client.api.communication.response.ODataEntityCreateResponse;
import org.apache.olingo.client.api.domain.ClientEntity;
import org.apache.olingo.client.api.domain.ClientObjectFactory;
import org.apache.olingo.client.core.ODataClientFactory;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;
import org.apache.olingo.commons.api.edm.FullQualifiedName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Write bodies in JSON full-metadata form, from hand and from Olingo's client. */
class PayloadTest {

  @RegisterExtension
  static final SandboxExtension sandbox =
      SandboxExtension.started().resetBeforeEach().tokenBeforeEach();

  private HttpResponse<String> create(String body) {
    return sandbox.api("POST", "accounts", body, "Prefer", "return=representation");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'@odata.type':'#Microsoft.Dynamics.CRM.account','name':'Typed'}",
        "{'@odata.type':'Microsoft.Dynamics.CRM.account','name':'Typed'}",
        "{'@odata.type':'#mscrm.account','name':'Typed'}",
        "{'name@odata.type':'String','name':'Typed'}",
        "{'name@odata.type':'#Edm.String','name':'Typed','revenue@odata.type':'#Decimal',"
            + "'revenue':12.5,'statecode@odata.type':'Int32','statecode':1}",
        "{'accountid@odata.type':'#Guid','accountid':'5a1b2c3d-0000-4000-8000-0000000000f1',"
            + "'name':'Typed'}",
        "{'@odata.context':'x','@odata.id':null,'name':'Typed','name@Some.Vocabulary.Term':'x'}",
      })
  void fullMetadataBodiesAreAccepted(String body) {
    HttpResponse<String> response = create(body.replace('\'', '"'));

    assertEquals(201, response.statusCode(), response.body());
    assertEquals("Typed", json(response).getString("name"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "{'@odata.type':'#Microsoft.Dynamics.CRM.contact','name':'x'}"
            + " | 'Microsoft.Dynamics.CRM.contact' was found, but it is not assignable to the"
            + " expected type 'Microsoft.Dynamics.CRM.account'",
        "{'@odata.type':'#Microsoft.Dynamics.CRM.nosuch'}"
            + " | 'Microsoft.Dynamics.CRM.nosuch' could not be resolved by the model",
        "{'@odata.type':'#account'} | 'account' could not be resolved by the model",
        "{'name@odata.type':'#Int32','name':'x'}"
            + " | 'Int32' was found, which is not compatible with the type 'Edm.String'",
        "{'revenue@odata.type':'#Double','revenue':1.5}"
            + " | 'Double' was found, which is not compatible with the type 'Edm.Decimal'",
        "{'nosuch@odata.type':'#String'} | An undeclared property 'nosuch'",
      })
  void mismatchedTypesAre400PayloadErrors(String body, String message) {
    HttpResponse<String> response = create(body.replace('\'', '"'));

    assertEquals(400, response.statusCode(), response.body());
    JsonObject error = json(response).getJsonObject("error");
    assertEquals(DataverseException.BAD_PAYLOAD, error.getString("code"));
    assertTrue(error.getString("message").contains(message), error.getString("message"));
  }

  @Test
  void anUpdateInFullMetadataFormToo() {
    String url = "accounts(" + SeedData.CONTOSO + ")";
    String body =
        "{\"@odata.type\":\"#Microsoft.Dynamics.CRM.account\","
            + "\"telephone1@odata.type\":\"String\",\"telephone1\":\"555-4242\"}";

    assertEquals(204, sandbox.api("PATCH", url, body).statusCode());
    assertEquals("555-4242", json(sandbox.api("GET", url, null)).getString("telephone1"));
    assertEquals(
        400,
        sandbox
            .api("PATCH", url, "{\"@odata.type\":\"#Microsoft.Dynamics.CRM.contact\"}")
            .statusCode());
  }

  @Test
  void olingoCreatesARecordWithAFullMetadataBodyAndABind() {
    ODataClient client = ODataClientFactory.getClient();
    ClientObjectFactory f = client.getObjectFactory();
    String root = sandbox.root();
    ClientEntity contact = f.newEntity(new FullQualifiedName("Microsoft.Dynamics.CRM", "contact"));
    contact
        .getProperties()
        .add(
            f.newPrimitiveProperty("lastname", f.newPrimitiveValueBuilder().buildString("Olingo")));
    contact.addLink(
        f.newEntityNavigationLink(
            "parentcustomerid_account", URI.create(root + "accounts(" + SeedData.CONTOSO + ")")));
    ClientEntity account = f.newEntity(new FullQualifiedName("Microsoft.Dynamics.CRM", "account"));
    account
        .getProperties()
        .add(f.newPrimitiveProperty("name", f.newPrimitiveValueBuilder().buildString("Olingo Co")));
    account
        .getProperties()
        .add(
            f.newPrimitiveProperty(
                "revenue",
                f.newPrimitiveValueBuilder()
                    .setType(EdmPrimitiveTypeKind.Decimal)
                    .setValue(new BigDecimal("1234.5"))
                    .build()));
    account
        .getProperties()
        .add(f.newPrimitiveProperty("statecode", f.newPrimitiveValueBuilder().buildInt32(1)));

    ClientEntity createdAccount = send(client, root + "accounts", account);
    ClientEntity createdContact = send(client, root + "contacts", contact);

    assertEquals("Olingo Co", createdAccount.getProperty("name").getPrimitiveValue().toString());
    assertEquals(
        0,
        new BigDecimal("1234.5")
            .compareTo(
                (BigDecimal) createdAccount.getProperty("revenue").getPrimitiveValue().toValue()));
    assertEquals(
        SeedData.CONTOSO.toString(),
        createdContact.getProperty("_parentcustomerid_value").getPrimitiveValue().toString());
    String sent = sandbox.requests().getJsonObject(0).getString("body");
    assertTrue(sent.contains("\"@odata.type\":\"#Microsoft.Dynamics.CRM.account\""), sent);
    assertTrue(sent.contains("revenue@odata.type"), sent);
  }

  private ClientEntity send(ODataClient client, String url, ClientEntity entity) {
    ODataEntityCreateRequest<ClientEntity> request =
        client.getCUDRequestFactory().getEntityCreateRequest(URI.create(url), entity);
    request.addCustomHeader("Authorization", "Bearer " + sandbox.testToken());
    request.setPrefer("return=representation");
    ODataEntityCreateResponse<ClientEntity> response = request.execute();
    assertEquals(201, response.getStatusCode());
    return response.getBody();
  }
}
