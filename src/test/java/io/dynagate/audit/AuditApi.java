package io.dynagate.audit;

import static io.dynagate.support.Admin.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.support.Admin;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The audit tests' shared set-up: an admin API key of a principal of its own (so every record a
 * test makes is told apart from the rest of the shared table), request ids, and reading {@code GET
 * /admin/v1/audit}.
 */
final class AuditApi {
  static final String PATH = "/admin/v1/audit";

  /** The admin principal the test acts as, and its key. */
  final String principal;

  final String key;

  private AuditApi(String principal, String key) {
    this.principal = principal;
    this.key = key;
  }

  /** A new admin key for principal {@code <prefix>-<random>}. */
  static AuditApi newAdmin(String prefix) {
    String principal = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    return new AuditApi(principal, Admin.createKey(principal, "admin"));
  }

  /** A request as this admin, with the given request id. */
  RequestSpecification as(String requestId) {
    return Admin.as(key).header("X-Request-Id", requestId);
  }

  static String requestId() {
    return "rq-" + UUID.randomUUID();
  }

  /** The page answering {@code query} (name, value, …), asserting 200. */
  static JsonPath page(Object... query) {
    RequestSpecification r = admin();
    for (int i = 0; i < query.length; i += 2) {
      r = r.queryParam((String) query[i], query[i + 1]);
    }
    return r.get(PATH).then().statusCode(200).extract().jsonPath();
  }

  /** Every item of a target, newest first (one page of up to 500). */
  static List<Map<String, Object>> items(String target) {
    return page("target", target, "limit", 500).getList("items");
  }

  /** The newest item of a target, checking who made it, in which request and that it is fresh. */
  Map<String, Object> latest(String target, String action, String requestId) {
    List<Map<String, Object>> items = items(target);
    assertTrue(!items.isEmpty(), "no audit item for " + target);
    Map<String, Object> item = items.get(0);
    assertEquals(action, item.get("action"), "action of " + target);
    assertEquals(target, item.get("target"));
    assertEquals(principal, item.get("principal"), "principal of " + target);
    assertEquals(requestId, item.get("requestId"), "request id of " + target);
    Instant at = Instant.parse((String) item.get("at"));
    Duration age = Duration.between(at, Instant.now()).abs();
    assertTrue(age.compareTo(Duration.ofSeconds(30)) < 0, "at " + at + " is not close to now");
    return item;
  }

  /** The {@code changes} object of an item. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> changes(Map<String, Object> item) {
    return (Map<String, Object>) item.get("changes");
  }

  static Map<String, Object> fromTo(Object from, Object to) {
    java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("from", from);
    m.put("to", to);
    return m;
  }

  static Map<String, Object> to(Object to) {
    return Map.of("to", to);
  }

  static Map<String, Object> changed() {
    return Map.of("changed", true);
  }
}
