package io.dynagate.clients;

import static io.dynagate.support.Admin.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.dynagate.access.ApiKeyIdentityProvider;
import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.Admin;
import io.dynagate.support.FrontDoor;
import io.dynagate.support.NodeScenario;
import io.dynagate.support.NodeScenario.Op;
import io.dynagate.support.NodeScenario.Result;
import io.dynagate.support.RealClientsProfile;
import io.dynagate.support.Sandbox;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The npm client DynamicsWebApi 2.5.0, unchanged, against the gateway and the sandbox: every
 * operation of {@code src/test/node/dwa-scenario.mjs} for both set-ups users have (the API key in
 * the client's headers beside the bearer token its {@code onTokenRefresh} returns, or the API key
 * as that bearer token) and three callers (the admin key with a full grant, a read grant, a grant
 * limited to entity sets). What the library hands its caller is asserted: results, ids taken from
 * {@code OData-EntityId}, pages reached through the links the gateway wrote, and readable messages
 * for what the gateway refuses.
 */
@QuarkusTest
@TestProfile(RealClientsProfile.class)
class DynamicsWebApiTest {
  private static final String CONN = "dwa";
  private static final String READER = "dwa-reader";
  private static final String LIMITED = "dwa-limited";

  /** The sandbox's WhoAmI answer. */
  private static final String USER_ID = "5a1b2c3d-0000-4000-8000-00000000a001";

  private static final Pattern GUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /** Who calls. */
  enum Caller {
    /** The bootstrap admin key, with a full grant. */
    ADMIN,
    /** A read grant: every write is refused by the gateway. */
    READER,
    /** Full access limited to {@code accounts} and {@code WhoAmI}. */
    LIMITED;

    boolean writes() {
      return this != READER;
    }
  }

  @Inject SandboxLifecycle sandboxLifecycle;
  @Inject RedisDataSource redis;

  private Sandbox sandbox;
  private Map<Caller, String> keys;

  @BeforeEach
  void setUp() {
    sandbox = Sandbox.cleanSlate(sandboxLifecycle, redis);
    admin().body(sandbox.connection(CONN)).post("/admin/v1/connections").then().statusCode(201);
    grant(ApiKeyIdentityProvider.BOOTSTRAP_PRINCIPAL, Map.of("access", "full"));
    grant(READER, Map.of("access", "read"));
    grant(LIMITED, Map.of("access", "full", "entitySets", List.of("accounts", "WhoAmI")));
    keys =
        Map.of(
            Caller.ADMIN, Admin.KEY,
            Caller.READER, Admin.createKey(READER, "caller"),
            Caller.LIMITED, Admin.createKey(LIMITED, "caller"));
  }

  private static void grant(String principal, Map<String, Object> grant) {
    admin()
        .body(grant)
        .put("/admin/v1/connections/" + CONN + "/grants/" + principal)
        .then()
        .statusCode(200);
  }

  static Stream<Arguments> runs() {
    return Stream.of("header", "bearer")
        .flatMap(mode -> Stream.of(Caller.values()).map(caller -> arguments(mode, caller)));
  }

  @ParameterizedTest(name = "set-up {0}, caller {1}")
  @MethodSource("runs")
  void everyOperationWorksOrIsRefusedReadably(String mode, Caller caller) {
    String key = keys.get(caller);
    Result run =
        NodeScenario.dynamicsWebApi()
            .run(NodeScenario.dwaConfig(FrontDoor.baseUrl() + "/proxy/" + CONN, mode, key));
    String all = mode + "/" + caller + "\n" + run.summary();

    // reads every caller may do
    Op whoAmI = ok(run, "whoAmI", all);
    assertEquals(USER_ID, whoAmI.resultObject().getString("UserId"), all);

    JsonObject query = ok(run, "retrieveMultiple.query", all).resultObject();
    assertEquals(
        List.of("Adventure Works", "Contoso Ltd", "Litware Inc"),
        query.getJsonArray("names").getList(),
        "statecode eq 0, ordered by revenue desc then name, top 3: " + all);
    JsonObject first = query.getJsonArray("records").getJsonObject(0);
    assertEquals(
        "$2,300,000.00",
        first.getString("revenue@OData.Community.Display.V1.FormattedValue"),
        "formatted values reach the library: " + first);

    JsonObject page = ok(run, "retrieveMultiple.maxPageSize", all).resultObject();
    assertEquals(2, page.getInteger("count"), all);
    assertTrue(page.getBoolean("nextLinkUnderServerUrl"), "the next link is the gateway's: " + all);
    assertTrue(
        page.getString("nextLink").startsWith(FrontDoor.baseUrl() + "/proxy/" + CONN + "/"), all);
    assertEquals(2, ok(run, "retrieveMultiple.nextLink", all).resultObject().getInteger("count"));
    assertEquals(5, ok(run, "retrieveAll", all).resultObject().getInteger("count"), all);
    assertNotNull(
        ok(run, "retrieve", all).resultObject().getJsonObject("record").getString("name"), all);

    int accounts = caller.writes() ? 7 : 5; // the seed, plus create and upsert
    assertEquals(accounts, ok(run, "count.path", all).resultObject().getInteger("count"), all);
    int active = ok(run, "count.inline", all).resultObject().getInteger("count");
    assertEquals(active, ok(run, "countAll", all).resultObject().getInteger("count"), all);
    assertTrue(active >= 4, all);

    JsonArray parts = ok(run, "batch.getOnly", all).resultObject().getJsonArray("parts");
    assertEquals(4, parts.size(), all);

    // DynamicsWebApi turns a GET whose URL is over 2,000 characters into a $batch by itself; it
    // copies its configured headers into the part but not onto the $batch request, so only the
    // bearer set-up authenticates it (README: use the bearer set-up for long queries)
    for (String longQuery :
        List.of("retrieveMultiple.longFilterOr", "retrieveMultiple.longFilterAnd")) {
      if (mode.equals("bearer")) {
        assertTrue(ok(run, longQuery, all).resultObject().getInteger("count") >= 1, all);
      } else {
        refused(run, longQuery, 401, "dynagate.unauthenticated", "bearer token", all);
      }
    }

    if (caller.writes()) {
      String id = ok(run, "create", all).resultObject().getString("id");
      assertTrue(GUID.matcher(String.valueOf(id)).matches(), "id from OData-EntityId: " + all);
      ok(run, "update", all);
      assertEquals(
          "555-0199",
          ok(run, "retrieve.afterUpdate", all)
              .resultObject()
              .getJsonObject("record")
              .getString("telephone1"),
          all);
      assertEquals(201, lastStatus(ok(run, "upsert.create", all)), all);
      assertEquals(200, lastStatus(ok(run, "upsert.update", all)), all);
      JsonArray written = ok(run, "batch.changeSet", all).resultObject().getJsonArray("parts");
      assertTrue(
          GUID.matcher(written.getJsonObject(0).getString("value")).matches(),
          "the change set's create answered with an id the library read: " + all);
      ok(run, "delete.create", all);
      ok(run, "delete.upsert", all);
      ok(run, "delete.batch", all);
    } else {
      String method = "The grant does not allow this method.";
      refused(run, "create", 403, "dynagate.forbidden", method, all);
      refused(run, "upsert.create", 403, "dynagate.forbidden", method, all);
      refused(run, "upsert.update", 403, "dynagate.forbidden", method, all);
      refused(
          run,
          "batch.changeSet",
          403,
          "dynagate.forbidden",
          "A request inside the $batch is not allowed.",
          all);
    }

    // error paths: Dataverse's own errors pass through, the gateway's read the same way
    refused(run, "errors.retrieveMissing", 404, "0x80040217", "Does Not Exist", all);
    if (caller == Caller.LIMITED) {
      refused(
          run,
          "errors.unknownEntitySet",
          403,
          "dynagate.forbidden",
          "The grant does not cover this entity set.",
          all);
    } else {
      refused(run, "errors.unknownEntitySet", 404, "0x8006088a", "nosuchentities", all);
    }
    refused(run, "errors.badCredential", 401, "dynagate.unauthenticated", "required", all);
    refused(
        run,
        "errors.unknownConnection",
        404,
        "dynagate.connection_not_found",
        "No such connection.",
        all);

    // the gateway's credentials never reached Dataverse, not even inside $batch parts
    String received = sandbox.requests().prettify();
    assertFalse(received.contains(key), "the API key reached Dataverse");
    assertFalse(received.contains("/proxy/"), "a gateway URL reached Dataverse: " + received);
  }

  private static Op ok(Result run, String name, String all) {
    Op op = run.op(name);
    assertTrue(op.ok(), name + " failed: " + op.describe() + "\n" + all);
    return op;
  }

  /** The library reported this status, code and a message containing {@code message}. */
  private static void refused(
      Result run, String name, int status, String code, String message, String all) {
    Op op = run.op(name);
    assertFalse(op.ok(), name + " should have failed\n" + all);
    assertEquals(status, op.status(), name + ": " + op.describe() + "\n" + all);
    assertEquals(code, op.code(), name + ": " + op.describe());
    assertTrue(
        op.message() != null && op.message().contains(message),
        name + ": the library shows " + op.describe());
  }

  /** The status of the op's last HTTP exchange. */
  private static int lastStatus(Op op) {
    JsonArray wire = op.wire();
    return wire.getJsonObject(wire.size() - 1).getInteger("status");
  }
}
