package io.dynagate.clients;

import static io.dynagate.support.Admin.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.Admin;
import io.dynagate.support.FrontDoor;
import io.dynagate.support.RealClientsProfile;
import io.dynagate.support.Sandbox;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.http.HttpRequestInterceptor;
import org.apache.http.client.HttpClient;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.olingo.client.api.ODataClient;
import org.apache.olingo.client.api.communication.ODataClientErrorException;
import org.apache.olingo.client.api.communication.request.batch.BatchManager;
import org.apache.olingo.client.api.communication.request.batch.ODataBatchResponseItem;
import org.apache.olingo.client.api.communication.request.batch.ODataChangeset;
import org.apache.olingo.client.api.communication.request.cud.ODataEntityCreateRequest;
import org.apache.olingo.client.api.communication.request.cud.UpdateType;
import org.apache.olingo.client.api.communication.request.retrieve.ODataEntitySetRequest;
import org.apache.olingo.client.api.communication.response.ODataBatchResponse;
import org.apache.olingo.client.api.communication.response.ODataRawResponse;
import org.apache.olingo.client.api.communication.response.ODataResponse;
import org.apache.olingo.client.api.domain.ClientEntity;
import org.apache.olingo.client.api.domain.ClientEntitySet;
import org.apache.olingo.client.api.domain.ClientObjectFactory;
import org.apache.olingo.client.api.http.HttpClientException;
import org.apache.olingo.client.api.http.HttpClientFactory;
import org.apache.olingo.client.core.ODataClientFactory;
import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;
import org.apache.olingo.commons.api.edm.FullQualifiedName;
import org.apache.olingo.commons.api.http.HttpMethod;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Apache Olingo's OData v4 client 4.10, unchanged, against the gateway and the sandbox, the way a
 * Java integration uses it against Dataverse: the typed model from {@code $metadata}, queries built
 * with its URI builder, paging through the next links the gateway wrote, create, update, delete,
 * both count forms, {@code $batch} with a change set and a read-only batch (Olingo writes inner
 * URLs absolute under its service root, which is the gateway), and the errors the gateway makes,
 * read through Olingo's {@code ODataError}. Olingo asks for full-metadata JSON by default.
 */
@QuarkusTest
@TestProfile(RealClientsProfile.class)
class OlingoClientTest {
  private static final String CONN = "olingo";
  private static final String NS = "Microsoft.Dynamics.CRM";

  /** Who calls (the key in {@code X-Api-Key} on every request the client makes). */
  enum Caller {
    /** Full access. */
    FULL("olingo-full", Map.of("access", "full")),
    /** Reads only. */
    READER("olingo-reader", Map.of("access", "read")),
    /** Full access to {@code accounts} only. */
    LIMITED("olingo-limited", Map.of("access", "full", "entitySets", List.of("accounts")));

    final String principal;
    final Map<String, Object> grant;

    Caller(String principal, Map<String, Object> grant) {
      this.principal = principal;
      this.grant = grant;
    }
  }

  @Inject SandboxLifecycle sandboxLifecycle;
  @Inject RedisDataSource redis;

  private Sandbox sandbox;

  @BeforeEach
  void setUp() {
    sandbox = Sandbox.cleanSlate(sandboxLifecycle, redis);
    admin().body(sandbox.connection(CONN)).post("/admin/v1/connections").then().statusCode(201);
  }

  /** Olingo configured like any OData service that needs a header: an interceptor adds it. */
  static ODataClient olingo(String apiKey) {
    ODataClient client = ODataClientFactory.getClient();
    client
        .getConfiguration()
        .setHttpClientFactory(
            new HttpClientFactory() {
              @Override
              public HttpClient create(HttpMethod method, URI uri) {
                return HttpClientBuilder.create()
                    .addInterceptorFirst(
                        (HttpRequestInterceptor) (r, c) -> r.addHeader("X-Api-Key", apiKey))
                    .build();
              }

              @Override
              public void close(HttpClient httpClient) {
                try {
                  ((CloseableHttpClient) httpClient).close();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }
            });
    return client;
  }

  private static String serviceRoot() {
    return FrontDoor.baseUrl() + "/proxy/" + CONN + "/api/data/v9.2";
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Caller.class)
  void olingoWorksThroughTheGatewayAndReadsItsRefusals(Caller caller) {
    admin()
        .body(caller.grant)
        .put("/admin/v1/connections/" + CONN + "/grants/" + caller.principal)
        .then()
        .statusCode(200);
    String key = Admin.createKey(caller.principal, "caller");
    ODataClient client = olingo(key);
    String root = serviceRoot();

    // the typed model and the service document, under every grant that can read
    Edm edm = client.getRetrieveRequestFactory().getMetadataRequest(root).execute().getBody();
    assertNotNull(edm.getEntityContainer().getEntitySet("accounts"), "accounts in $metadata");
    assertNotNull(edm.getEntityType(new FullQualifiedName(NS, "account")));
    assertTrue(
        client
            .getRetrieveRequestFactory()
            .getServiceDocumentRequest(root)
            .execute()
            .getBody()
            .getEntitySetNames()
            .contains("accounts"));

    // a query built with Olingo's URI builder: select, filter, orderby, top
    URI query =
        client
            .newURIBuilder(root)
            .appendEntitySetSegment("accounts")
            .select("name", "revenue")
            .filter("statecode eq 0 and revenue ge 850000")
            .orderBy("revenue desc,name asc")
            .top(3)
            .build();
    ClientEntitySet top =
        client.getRetrieveRequestFactory().getEntitySetRequest(query).execute().getBody();
    assertEquals(List.of("Adventure Works", "Contoso Ltd", "Litware Inc"), names(top));
    assertEquals(
        0,
        new BigDecimal("2300000")
            .compareTo(
                (BigDecimal)
                    top.getEntities().get(0).getProperty("revenue").getPrimitiveValue().toValue()),
        "typed as Edm.Decimal");

    // paging: the next link the gateway wrote leads back through it
    List<String> all = new ArrayList<>();
    URI page = client.newURIBuilder(root).appendEntitySetSegment("accounts").select("name").build();
    int pages = 0;
    while (page != null) {
      assertTrue(page.toString().startsWith(root), "a link Olingo follows: " + page);
      ODataEntitySetRequest<ClientEntitySet> request =
          client.getRetrieveRequestFactory().getEntitySetRequest(page);
      request.setPrefer("odata.maxpagesize=2");
      ClientEntitySet set = request.execute().getBody();
      all.addAll(names(set));
      page = set.getNext();
      pages++;
    }
    assertEquals(3, pages);
    assertEquals(5, all.size());

    // both count forms
    URI countSegment =
        client.newURIBuilder(root).appendEntitySetSegment("accounts").appendCountSegment().build();
    assertEquals(
        "5",
        client
            .getRetrieveRequestFactory()
            .getValueRequest(countSegment)
            .execute()
            .getBody()
            .toString());
    URI inlineCount =
        client
            .newURIBuilder(root)
            .appendEntitySetSegment("accounts")
            .filter("statecode eq 0")
            .count(true)
            .top(1)
            .build();
    assertEquals(
        4,
        client
            .getRetrieveRequestFactory()
            .getEntitySetRequest(inlineCount)
            .execute()
            .getBody()
            .getCount());

    // a read-only batch: Olingo writes the inner URLs absolute, under the gateway
    BatchManager reads = client.getBatchRequestFactory().getBatchRequest(root).payloadManager();
    reads.addRequest(client.getRetrieveRequestFactory().getEntitySetRequest(query));
    reads.addRequest(
        client
            .getRetrieveRequestFactory()
            .getEntityRequest(
                client
                    .newURIBuilder(root)
                    .appendEntitySetSegment("accounts")
                    .appendKeySegment(UUID.fromString("0f9d6f4a-1c2b-4e8a-9f10-000000000002"))
                    .build()));
    List<Integer> readStatuses = statuses(reads.getResponse());
    assertEquals(List.of(200, 200), readStatuses);

    // an unbound function; a grant limited to entity sets must list it
    URI whoAmI = client.newURIBuilder(root).appendOperationCallSegment("WhoAmI").build();
    if (caller == Caller.LIMITED) {
      ODataClientErrorException refused =
          assertThrows(
              ODataClientErrorException.class,
              () -> client.getRetrieveRequestFactory().getRawRequest(whoAmI).execute());
      assertEquals(403, refused.getStatusLine().getStatusCode());
      assertEquals("dynagate.forbidden", refused.getODataError().getCode());
    } else {
      ODataRawResponse who = client.getRetrieveRequestFactory().getRawRequest(whoAmI).execute();
      assertEquals(200, who.getStatusCode());
      assertTrue(read(who.getRawResponse()).contains("\"UserId\":\"5a1b2c3d-"));
    }

    // a missing record: Dataverse's own error, read by Olingo
    URI missing =
        client
            .newURIBuilder(root)
            .appendEntitySetSegment("accounts")
            .appendKeySegment(UUID.randomUUID())
            .build();
    ODataClientErrorException notFound =
        assertThrows(
            ODataClientErrorException.class,
            () -> client.getRetrieveRequestFactory().getEntityRequest(missing).execute());
    assertEquals(404, notFound.getStatusLine().getStatusCode());
    assertEquals("0x80040217", notFound.getODataError().getCode());

    if (caller == Caller.READER) {
      readerWritesAreRefusedReadably(client, root);
    } else {
      writes(client, root);
    }
    if (caller == Caller.LIMITED) {
      URI contacts = client.newURIBuilder(root).appendEntitySetSegment("contacts").build();
      ODataClientErrorException refused =
          assertThrows(
              ODataClientErrorException.class,
              () -> client.getRetrieveRequestFactory().getEntitySetRequest(contacts).execute());
      assertEquals(403, refused.getStatusLine().getStatusCode());
      assertEquals("dynagate.forbidden", refused.getODataError().getCode());
      assertEquals(
          "The grant does not cover this entity set.", refused.getODataError().getMessage());
    }

    String received = sandbox.requests().prettify();
    assertFalse(received.contains(key), "the API key reached Dataverse");
    assertFalse(received.contains("/proxy/"), "a gateway URL reached Dataverse");
  }

  /** Create (with the representation), read back, update, a change set, delete. */
  private void writes(ODataClient client, String root) {
    URI accounts = client.newURIBuilder(root).appendEntitySetSegment("accounts").build();
    ClientEntity created = create(client, accounts, account(client, "Olingo Traders", "420.5"));
    String id = created.getProperty("accountid").getPrimitiveValue().toString();
    URI one =
        client
            .newURIBuilder(root)
            .appendEntitySetSegment("accounts")
            .appendKeySegment(UUID.fromString(id))
            .build();
    // the entity's edit link (relative in full metadata, resolved against the context URL the
    // gateway rewrote) leads through the gateway: updating by it works
    assertEquals(one, created.getEditLink());

    ClientObjectFactory f = client.getObjectFactory();
    ClientEntity change = f.newEntity(new FullQualifiedName(NS, "account"));
    change
        .getProperties()
        .add(
            f.newPrimitiveProperty(
                "telephone1", f.newPrimitiveValueBuilder().buildString("555-0142")));
    assertEquals(
        204,
        client
            .getCUDRequestFactory()
            .getEntityUpdateRequest(created.getEditLink(), UpdateType.PATCH, change)
            .execute()
            .getStatusCode());
    ClientEntity read =
        client.getRetrieveRequestFactory().getEntityRequest(one).execute().getBody();
    assertEquals("555-0142", read.getProperty("telephone1").getPrimitiveValue().toString());

    // a change set: two creates in one atomic unit, inner URLs under the gateway
    BatchManager batch = client.getBatchRequestFactory().getBatchRequest(root).payloadManager();
    ODataChangeset changeset = batch.addChangeset();
    changeset.addRequest(createRequest(client, accounts, account(client, "Olingo One", "1")));
    changeset.addRequest(createRequest(client, accounts, account(client, "Olingo Two", "2")));
    assertEquals(List.of(201, 201), statuses(batch.getResponse()));
    URI two =
        client
            .newURIBuilder(root)
            .appendEntitySetSegment("accounts")
            .filter("startswith(name,'Olingo ')")
            .count(true)
            .build();
    assertEquals(
        3,
        client.getRetrieveRequestFactory().getEntitySetRequest(two).execute().getBody().getCount());

    assertEquals(
        204, client.getCUDRequestFactory().getDeleteRequest(one).execute().getStatusCode());
    ODataClientErrorException gone =
        assertThrows(
            ODataClientErrorException.class,
            () -> client.getRetrieveRequestFactory().getEntityRequest(one).execute());
    assertEquals(404, gone.getStatusLine().getStatusCode());
  }

  private void readerWritesAreRefusedReadably(ODataClient client, String root) {
    int before = sandbox.dataRequests();
    URI accounts = client.newURIBuilder(root).appendEntitySetSegment("accounts").build();
    ODataClientErrorException refused =
        assertThrows(
            ODataClientErrorException.class,
            () -> create(client, accounts, account(client, "not allowed", "1")));
    assertEquals(403, refused.getStatusLine().getStatusCode());
    assertEquals("dynagate.forbidden", refused.getODataError().getCode());
    assertEquals("The grant does not allow this method.", refused.getODataError().getMessage());

    BatchManager batch = client.getBatchRequestFactory().getBatchRequest(root).payloadManager();
    batch.addChangeset().addRequest(createRequest(client, accounts, account(client, "no", "1")));
    // Olingo streams the batch on another thread and wraps the refusal it read
    ODataClientErrorException batchRefused =
        causeOf(assertThrows(HttpClientException.class, batch::getResponse));
    assertEquals(403, batchRefused.getStatusLine().getStatusCode());
    assertEquals(
        "A request inside the $batch is not allowed.", batchRefused.getODataError().getMessage());
    assertEquals(before, sandbox.dataRequests(), "nothing refused reached Dataverse");
  }

  private static ODataClientErrorException causeOf(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ODataClientErrorException e) {
        return e;
      }
    }
    throw new AssertionError("no ODataClientErrorException in", t);
  }

  private static ClientEntity account(ODataClient client, String name, String revenue) {
    ClientObjectFactory f = client.getObjectFactory();
    ClientEntity account = f.newEntity(new FullQualifiedName(NS, "account"));
    account
        .getProperties()
        .add(f.newPrimitiveProperty("name", f.newPrimitiveValueBuilder().buildString(name)));
    account
        .getProperties()
        .add(
            f.newPrimitiveProperty(
                "revenue",
                f.newPrimitiveValueBuilder()
                    .setType(EdmPrimitiveTypeKind.Decimal)
                    .setValue(new BigDecimal(revenue))
                    .build()));
    return account;
  }

  private static ODataEntityCreateRequest<ClientEntity> createRequest(
      ODataClient client, URI set, ClientEntity entity) {
    ODataEntityCreateRequest<ClientEntity> request =
        client.getCUDRequestFactory().getEntityCreateRequest(set, entity);
    request.setPrefer("return=representation");
    return request;
  }

  private static ClientEntity create(ODataClient client, URI set, ClientEntity entity) {
    var response = createRequest(client, set, entity).execute();
    assertEquals(201, response.getStatusCode());
    return response.getBody();
  }

  private static List<String> names(ClientEntitySet set) {
    return set.getEntities().stream()
        .map(e -> e.getProperty("name").getPrimitiveValue().toString())
        .toList();
  }

  /** The status of every response in a batch answer, change sets flattened. */
  private static List<Integer> statuses(ODataBatchResponse response) {
    assertEquals(200, response.getStatusCode());
    List<Integer> statuses = new ArrayList<>();
    Iterator<ODataBatchResponseItem> items = response.getBody();
    while (items.hasNext()) {
      ODataBatchResponseItem item = items.next();
      while (item.hasNext()) {
        ODataResponse r = item.next();
        statuses.add(r.getStatusCode());
        drain(r.getRawResponse());
      }
    }
    return statuses;
  }

  private static void drain(InputStream in) {
    if (in != null) {
      read(in);
    }
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
