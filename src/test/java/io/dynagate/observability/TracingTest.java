package io.dynagate.observability;

import static io.dynagate.support.Admin.admin;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.Admin;
import io.dynagate.support.OtlpListener;
import io.dynagate.support.Sandbox;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With tracing switched on, the gateway's real OTLP exporter sends spans for a proxied request (the
 * server span and the Dataverse client span) to a collector the test controls — and nothing the
 * request carried reaches it: no query string, no record key, no body, no API key, no access token.
 */
@QuarkusTest
@TestProfile(TracingProfile.class)
class TracingTest {
  private static final String V = "/api/data/v9.2/";

  @Inject SandboxLifecycle sandboxLifecycle;
  @Inject RedisDataSource redis;

  private Sandbox sandbox;

  @BeforeEach
  void setUp() {
    sandbox = Sandbox.cleanSlate(sandboxLifecycle, redis);
    OtlpListener.get().clear();
  }

  @Test
  void spansAreExportedWithoutQueryStringsRecordKeysBodiesOrCredentials() {
    // given a connection and a caller allowed to write through it
    admin().body(sandbox.connection("tr")).post("/admin/v1/connections").then().statusCode(201);
    String key = Admin.createKey("tracing-engine", "caller");
    admin()
        .body(Map.of("access", "write"))
        .put("/admin/v1/connections/tr/grants/tracing-engine")
        .then()
        .statusCode(200);
    String queryMarker = "PLANTED-query-" + UUID.randomUUID();
    String bodyMarker = "PLANTED-body-" + UUID.randomUUID();

    // when it creates a record, reads it back by its key, and reads with a filter
    String entityId =
        Admin.as(key)
            .contentType("application/json")
            .body(Map.of("name", bodyMarker))
            .post("/proxy/tr" + V + "accounts")
            .then()
            .statusCode(204)
            .extract()
            .header("OData-EntityId");
    String recordKey = entityId.substring(entityId.lastIndexOf('(') + 1, entityId.lastIndexOf(')'));
    Admin.as(key)
        .urlEncodingEnabled(false)
        .get("/proxy/tr" + V + "accounts(" + recordKey + ")")
        .then()
        .statusCode(200);
    Admin.as(key)
        .queryParam("$filter", "name eq '" + queryMarker + "'")
        .get("/proxy/tr" + V + "accounts")
        .then()
        .statusCode(200);

    // then the spans of all three reach the collector, their paths scrubbed
    OtlpListener collector = OtlpListener.get();
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> collector.exported().contains("/proxy/tr" + V + "accounts(*)"));
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        // the Dataverse client span's url.full: the sandbox's address, the path scrubbed
        .until(() -> collector.exported().contains(sandbox.baseUrl() + V + "accounts(*)"));
    String exported = collector.exported();
    assertTrue(collector.paths().contains("/v1/traces"), collector.paths()::toString);
    // and the Dataverse calls carried the trace context (TracingOffTest: none does)
    for (Object request : sandbox.requests().getList("$")) {
      Map<?, ?> headers = (Map<?, ?>) ((Map<?, ?>) request).get("headers");
      assertTrue(headers.containsKey("traceparent"), () -> "not traced: " + headers);
    }
    // and nothing the request carried is in any span
    assertFalse(exported.contains(queryMarker), "a query string reached the collector");
    assertFalse(exported.contains("$filter"), "a query option reached the collector");
    assertFalse(exported.contains(recordKey), "a record key reached the collector");
    assertFalse(exported.contains(bodyMarker), "a body reached the collector");
    assertFalse(exported.contains(key), "the caller's API key reached the collector");
    Set<String> tokens = sandbox.bearerTokensSeen();
    assertFalse(tokens.isEmpty(), "the sandbox saw no access token: nothing was forwarded");
    for (String token : tokens) {
      assertFalse(exported.contains(token), "an access token reached the collector");
    }
  }
}
