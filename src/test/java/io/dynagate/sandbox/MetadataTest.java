package io.dynagate.sandbox;

import static io.dynagate.sandbox.SandboxHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.sandbox.EntityType.Navigation;
import io.dynagate.sandbox.EntityType.Reverse;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.olingo.client.api.ODataClient;
import org.apache.olingo.client.api.communication.request.retrieve.EdmMetadataRequest;
import org.apache.olingo.client.api.communication.request.retrieve.ODataServiceDocumentRequest;
import org.apache.olingo.client.api.communication.response.ODataRetrieveResponse;
import org.apache.olingo.client.api.domain.ClientServiceDocument;
import org.apache.olingo.client.core.ODataClientFactory;
import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.commons.api.edm.EdmComplexType;
import org.apache.olingo.commons.api.edm.EdmEntityContainer;
import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.edm.EdmFunction;
import org.apache.olingo.commons.api.edm.EdmNavigationProperty;
import org.apache.olingo.commons.api.edm.EdmProperty;
import org.apache.olingo.commons.api.edm.FullQualifiedName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The emulator's {@code $metadata} and service document, read by Apache Olingo's OData client. */
class MetadataTest {

  private static final String NS = "Microsoft.Dynamics.CRM";

  @RegisterExtension static final SandboxExtension sandbox = SandboxExtension.started();

  private static Edm edm;
  private static ODataClient client;
  private static String token;

  @BeforeAll
  static void readMetadata() {
    token = sandbox.token();
    client = ODataClientFactory.getClient();
    EdmMetadataRequest request =
        client.getRetrieveRequestFactory().getMetadataRequest(sandbox.serviceRoot());
    request.addCustomHeader("Authorization", "Bearer " + token);
    ODataRetrieveResponse<Edm> response = request.execute();
    assertEquals(200, response.getStatusCode());
    edm = response.getBody();
  }

  private static EdmEntityType entityType(String name) {
    EdmEntityType type = edm.getEntityType(new FullQualifiedName(NS, name));
    assertNotNull(type, name);
    return type;
  }

  @Test
  void theContainerSystemHasAnEntitySetPerEmulatedType() {
    EdmEntityContainer container = edm.getEntityContainer();

    assertEquals("System", container.getName());
    assertEquals(NS, container.getNamespace());
    Set<String> sets = new TreeSet<>();
    container.getEntitySets().forEach(s -> sets.add(s.getName()));
    assertEquals(Set.of("accounts", "contacts"), sets);
    assertEquals(
        new FullQualifiedName(NS, "account"),
        container.getEntitySet("accounts").getEntityType().getFullQualifiedName());
    assertEquals(
        new FullQualifiedName(NS, "contact"),
        container.getEntitySet("contacts").getEntityType().getFullQualifiedName());
  }

  @ParameterizedTest(name = "{0}.{1}")
  @CsvSource({
    "account, accountid, Edm.Guid",
    "account, name, Edm.String",
    "account, accountnumber, Edm.String",
    "account, telephone1, Edm.String",
    "account, revenue, Edm.Decimal",
    "account, statecode, Edm.Int32",
    "contact, contactid, Edm.Guid",
    "contact, firstname, Edm.String",
    "contact, lastname, Edm.String",
    "contact, emailaddress1, Edm.String",
    "contact, _parentcustomerid_value, Edm.Guid",
  })
  void propertiesHaveDataverseEdmTypes(String type, String property, String edmType) {
    EdmProperty p = entityType(type).getStructuralProperty(property);

    assertNotNull(p, property);
    assertEquals(edmType, p.getType().getFullQualifiedName().getFullQualifiedNameAsString());
  }

  static Stream<Arguments> everyModelProperty() {
    return EntityType.ALL.stream()
        .flatMap(
            t ->
                Stream.concat(Stream.of(t.keyName()), t.columns().keySet().stream())
                    .map(p -> Arguments.of(t.logicalName(), p, t.edmType(p))));
  }

  @ParameterizedTest(name = "{0}.{1}")
  @MethodSource("everyModelProperty")
  void theDocumentDescribesEntityTypeExactly(String type, String property, String edmType) {
    EdmEntityType edmEntity = entityType(type);
    EntityType model =
        EntityType.ALL.stream().filter(t -> t.logicalName().equals(type)).findFirst().orElseThrow();

    assertEquals(
        edmType,
        edmEntity
            .getStructuralProperty(property)
            .getType()
            .getFullQualifiedName()
            .getFullQualifiedNameAsString());
    assertEquals(model.columns().size() + 1, edmEntity.getPropertyNames().size());
  }

  @Test
  void keysAreThePrimaryIdColumns() {
    for (EntityType type : EntityType.ALL) {
      EdmEntityType edmType = entityType(type.logicalName());
      assertEquals(List.of(type.keyName()), edmType.getKeyPredicateNames());
      assertFalse(edmType.getStructuralProperty(type.keyName()).isNullable());
    }
  }

  @Test
  void lookupsAreSingleValuedNavigationsWithCollectionPartners() {
    EdmEntityType contact = entityType("contact");
    EdmEntityType account = entityType("account");

    EdmNavigationProperty toAccount = contact.getNavigationProperty("parentcustomerid_account");
    assertEquals(account.getFullQualifiedName(), toAccount.getType().getFullQualifiedName());
    assertFalse(toAccount.isCollection());
    assertEquals(
        Map.of("_parentcustomerid_value", "accountid"),
        Map.of(
            toAccount.getReferentialConstraints().get(0).getPropertyName(),
            toAccount.getReferentialConstraints().get(0).getReferencedPropertyName()));
    EdmNavigationProperty contacts = toAccount.getPartner();
    assertEquals("contact_customer_accounts", contacts.getName());
    assertTrue(contacts.isCollection());
    assertEquals(contact.getFullQualifiedName(), contacts.getType().getFullQualifiedName());
    assertEquals("parentcustomerid_account", contacts.getPartner().getName());

    EdmNavigationProperty toContact = contact.getNavigationProperty("parentcustomerid_contact");
    assertEquals(contact.getFullQualifiedName(), toContact.getType().getFullQualifiedName());
    assertEquals("contact_customer_contacts", toContact.getPartner().getName());
  }

  @Test
  void everyNavigationIsBoundToItsTargetSet() {
    EdmEntityContainer container = edm.getEntityContainer();
    for (EntityType type : EntityType.ALL) {
      EdmEntitySet set = container.getEntitySet(type.setName());
      for (Navigation n : type.navigations()) {
        assertEquals(n.targetSet(), set.getRelatedBindingTarget(n.name()).getName(), n.name());
      }
      for (Reverse r : type.reverses()) {
        assertEquals(
            r.source().setName(), set.getRelatedBindingTarget(r.name()).getName(), r.name());
      }
    }
    assertEquals(
        "contacts",
        container
            .getEntitySet("accounts")
            .getRelatedBindingTarget("contact_customer_accounts")
            .getName());
  }

  @Test
  void whoAmIIsAFunctionImportReturningWhoAmIResponse() {
    EdmFunction function =
        edm.getEntityContainer().getFunctionImport("WhoAmI").getUnboundFunction(List.of());
    EdmComplexType response = edm.getComplexType(new FullQualifiedName(NS, "WhoAmIResponse"));

    assertNotNull(function);
    assertFalse(function.isBound());
    assertEquals(
        response.getFullQualifiedName(), function.getReturnType().getType().getFullQualifiedName());
    // the properties of the answer are exactly those of the complex type, all Guids
    Set<String> answered = json(sandbox.apiWith(token, "GET", "WhoAmI", null)).fieldNames();
    Set<String> declared = new TreeSet<>(response.getPropertyNames());
    Set<String> expected = new TreeSet<>(answered);
    expected.remove("@odata.context");
    assertEquals(expected, declared);
    for (String name : declared) {
      assertEquals(
          "Edm.Guid",
          response
              .getStructuralProperty(name)
              .getType()
              .getFullQualifiedName()
              .getFullQualifiedNameAsString());
    }
  }

  @Test
  void metadataIsXmlAndNeedsAToken() {
    HttpResponse<String> response = sandbox.apiWith(token, "GET", "$metadata", null);
    HttpResponse<String> anonymous = sandbox.send("GET", SandboxHttp.API + "$metadata", null);

    assertEquals(200, response.statusCode());
    assertEquals("application/xml", response.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(response.body().startsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
    assertTrue(
        response.body().contains("<Schema Namespace=\"Microsoft.Dynamics.CRM\" Alias=\"mscrm\""));
    assertEquals(401, anonymous.statusCode());
    assertEquals(405, sandbox.apiWith(token, "POST", "$metadata", "{}").statusCode());
  }

  @Test
  void theServiceDocumentIsValidODataJson() {
    ODataServiceDocumentRequest request =
        client.getRetrieveRequestFactory().getServiceDocumentRequest(sandbox.serviceRoot());
    request.addCustomHeader("Authorization", "Bearer " + token);

    ClientServiceDocument document = request.execute().getBody();

    assertEquals(Set.of("accounts", "contacts"), new TreeSet<>(document.getEntitySetNames()));
    assertEquals(
        URI.create(sandbox.serviceRoot() + "/accounts"), document.getEntitySetURI("accounts"));
  }
}
