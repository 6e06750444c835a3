package io.dynagate.observability;

import static io.dynagate.support.Admin.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.Admin;
import io.dynagate.support.OtlpListener;
import io.dynagate.support.Sandbox;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tracing is wired but off unless an operator switches it on: with the shipped configuration
 * ({@code quarkus.otel.sdk.disabled=true}) and an exporter endpoint pointing at a collector the
 * test controls, admin and proxied requests export nothing. {@link TracingTest} differs only by the
 * switch and sees spans within a second.
 */
@QuarkusTest
@TestProfile(TracingOffTest.EndpointOnly.class)
class TracingOffTest {
  /** The collector configured as the exporter's endpoint; the switch left as shipped. */
  public static class EndpointOnly implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(OtlpListener.class, Map.of("switch-on", "false")));
    }
  }

  @Inject SandboxLifecycle sandboxLifecycle;
  @Inject RedisDataSource redis;

  @Test
  void withTheShippedSwitchNothingIsTracedOrExported() {
    // given
    Sandbox sandbox = Sandbox.cleanSlate(sandboxLifecycle, redis);
    admin().body(sandbox.connection("off")).post("/admin/v1/connections").then().statusCode(201);
    String key = Admin.readerOf("off");

    // when requests go through the admin API and the proxy
    for (int i = 0; i < 5; i++) {
      Admin.as(key).get("/proxy/off/api/data/v9.2/accounts").then().statusCode(200);
    }

    // then no Dataverse call carried a trace context (TracingTest: each one does), so no span
    // was made for it, and the collector has received nothing
    List<Map<String, Object>> seen = sandbox.requests().getList("$");
    assertEquals(5, seen.size(), seen::toString);
    for (Map<String, Object> request : seen) {
      Map<?, ?> headers = (Map<?, ?>) request.get("headers");
      assertFalse(headers.containsKey("traceparent"), () -> "traced: " + headers);
    }
    assertEquals(0, OtlpListener.get().requests(), "spans were exported with tracing off");
  }
}
