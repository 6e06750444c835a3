package io.dynagate.audit;

import static io.dynagate.audit.AuditApi.page;
import static io.dynagate.audit.AuditApi.requestId;
import static io.dynagate.support.Admin.admin;
import static io.dynagate.support.Admin.clientCredentials;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.access.ApiKeyIdentityProvider;
import io.dynagate.support.Admin;
import io.dynagate.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code GET /admin/v1/audit}: newest first, keyset pages, filters, refusals. */
@QuarkusTest
class AuditQueryTest {
  private AuditApi admin;
  private String id;
  private final List<String> requestIds = new ArrayList<>();

  /** Seven records by one admin on one connection: a create and six patches. */
  @BeforeEach
  void sevenChanges() {
    Db.clean();
    admin = AuditApi.newAdmin("pager");
    id = "page-" + UUID.randomUUID().toString().substring(0, 8);
    String rq = requestId();
    requestIds.add(rq);
    admin.as(rq).body(clientCredentials(id, "s3cret-page")).post("/admin/v1/connections");
    for (int i = 1; i <= 6; i++) {
      rq = requestId();
      requestIds.add(rq);
      admin
          .as(rq)
          .contentType("application/merge-patch+json")
          .body(Map.of("displayName", "name " + i))
          .patch("/admin/v1/connections/" + id)
          .then()
          .statusCode(200);
    }
  }

  private List<Map<String, Object>> allPages(int limit, Object... filter) {
    List<Map<String, Object>> all = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      List<Object> query = new ArrayList<>(List.of(filter));
      query.add("limit");
      query.add(limit);
      if (cursor != null) {
        query.add("cursor");
        query.add(cursor);
      }
      JsonPath page = page(query.toArray());
      List<Map<String, Object>> items = page.getList("items");
      assertTrue(items.size() <= limit);
      all.addAll(items);
      cursor = page.getString("next");
      assertTrue(++pages < 50, "paging does not end");
    } while (cursor != null);
    return all;
  }

  @Test
  void pagesFollowEachOtherNewestFirstWithoutGapsOrRepeats() {
    List<Map<String, Object>> paged = allPages(3, "principal", admin.principal);
    assertEquals(7, paged.size());
    List<String> seen = paged.stream().map(i -> (String) i.get("requestId")).toList();
    List<String> newestFirst = new ArrayList<>(requestIds);
    java.util.Collections.reverse(newestFirst);
    assertEquals(newestFirst, seen, "newest first, each once");
    List<Instant> at = paged.stream().map(i -> Instant.parse((String) i.get("at"))).toList();
    assertEquals(at.stream().sorted(Comparator.reverseOrder()).toList(), at);
    // the same walk again gives the same order (stable), and one big page equals the pages
    assertEquals(paged, allPages(3, "principal", admin.principal));
    assertEquals(paged, page("principal", admin.principal, "limit", 500).getList("items"));
  }

  @Test
  void theLastPageHasNoNext() {
    JsonPath first = page("target", Targets.connection(id), "limit", 4);
    assertNotNull(first.getString("next"));
    JsonPath second =
        page("target", Targets.connection(id), "limit", 4, "cursor", first.getString("next"));
    assertEquals(3, second.getList("items").size());
    assertNull(second.getString("next"));
    assertTrue(second.getMap("$").containsKey("next"), "next is present, as null");
    JsonPath exact = page("target", Targets.connection(id), "limit", 7);
    assertNull(exact.getString("next"), "a page that ends exactly at the last item");
  }

  @Test
  void theDefaultPageIsFifty() {
    for (int i = 0; i < 45; i++) {
      admin
          .as(requestId())
          .contentType("application/merge-patch+json")
          .body(Map.of("displayName", "bulk " + i))
          .patch("/admin/v1/connections/" + id)
          .then()
          .statusCode(200);
    }
    JsonPath first = page("principal", admin.principal);
    assertEquals(50, first.getList("items").size());
    assertNotNull(first.getString("next"));
    assertEquals(
        2,
        page("principal", admin.principal, "cursor", first.getString("next"))
            .getList("items")
            .size());
  }

  @Test
  void filtersSelectExactly() {
    // target: another connection's items are not in it
    String other = id + "-other";
    admin.as(requestId()).body(clientCredentials(other, "s3cret-o")).post("/admin/v1/connections");
    assertEquals(7, page("target", Targets.connection(id)).getList("items").size());
    assertEquals(1, page("target", Targets.connection(other)).getList("items").size());
    assertEquals(0, page("target", "connection:" + id.substring(0, 6)).getList("items").size());
    // principal: exact, another admin's change is not in it
    String elsewhere = id + "-b";
    admin().body(clientCredentials(elsewhere, "s3cret-b")).post("/admin/v1/connections");
    List<Map<String, Object>> mine = page("principal", admin.principal).getList("items");
    assertEquals(8, mine.size());
    assertTrue(mine.stream().allMatch(i -> admin.principal.equals(i.get("principal"))));
    assertEquals(
        ApiKeyIdentityProvider.BOOTSTRAP_PRINCIPAL,
        page("target", Targets.connection(elsewhere))
            .getList("items", Map.class)
            .get(0)
            .get("principal"));
    // since inclusive, until exclusive, on the fourth item's instant
    List<Map<String, Object>> seven = page("target", Targets.connection(id)).getList("items");
    String fourth = (String) seven.get(3).get("at");
    List<Map<String, Object>> since =
        page("target", Targets.connection(id), "since", fourth).getList("items");
    List<Map<String, Object>> until =
        page("target", Targets.connection(id), "until", fourth).getList("items");
    assertEquals(seven.subList(0, 4), since);
    assertEquals(seven.subList(4, 7), until);
    assertEquals(seven, concat(since, until));
  }

  private static List<Map<String, Object>> concat(
      List<Map<String, Object>> a, List<Map<String, Object>> b) {
    List<Map<String, Object>> all = new ArrayList<>(a);
    all.addAll(b);
    assertEquals(all.size(), new HashSet<>(all).size(), "no item in both");
    return all;
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "limit, 0",
    "limit, 501",
    "limit, -1",
    "limit, ten",
    "cursor, not-a-cursor",
    "cursor, MjAyNS0wMS0wMVQwMDowMDowMFp8LTE",
    "since, yesterday",
    "until, 2025-13-01T00:00:00Z",
    "since, 2025-01-01",
  })
  void badParametersAre400WithTheField(String name, String value) {
    admin()
        .queryParam(name, value)
        .get(AuditApi.PATH)
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .header("X-Dynagate-Error", "validation_failed")
        .body("errors[0].field", equalTo(name));
  }

  @Test
  void untilBeforeSinceIs400() {
    admin()
        .queryParam("since", "2025-02-01T00:00:00Z")
        .queryParam("until", "2025-01-01T00:00:00Z")
        .get(AuditApi.PATH)
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("until"));
  }

  @Test
  void callersAre403AndAnonymousIs401() {
    String caller = Admin.createKey("engine-" + id, "caller");
    Admin.as(caller)
        .get(AuditApi.PATH)
        .then()
        .statusCode(403)
        .header("X-Dynagate-Error", "forbidden");
    given().get(AuditApi.PATH).then().statusCode(401).header("X-Dynagate-Error", "unauthenticated");
    Admin.as("dgk_" + "A".repeat(43)).get(AuditApi.PATH).then().statusCode(401);
  }
}
