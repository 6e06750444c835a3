package io.dynagate.sandbox;

import io.dynagate.sandbox.EntityStore.Row;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reads of an entity set: {@code GET set?$select&$filter&$orderby&$top&$count} and {@code GET
 * set/$count}. Rows are filtered, sorted by {@code $orderby} then key, and paged by {@code Prefer:
 * odata.maxpagesize} (at most {@value WebApi#MAX_PAGE_SIZE}); the absolute {@code @odata.nextLink}
 * repeats the request's options with a {@code $skiptoken} whose cookie holds the last row's sort
 * values, and the next page starts after that row. Counts are capped at {@value
 * WebApi#MAX_PAGE_SIZE}, as Dataverse caps them.
 */
final class EntitySetQuery {

  private final EntityStore store;
  private final EntityJson entityJson;
  private final Supplier<String> serviceRoot;

  EntitySetQuery(EntityStore store, EntityJson entityJson, Supplier<String> serviceRoot) {
    this.store = store;
    this.entityJson = entityJson;
    this.serviceRoot = serviceRoot;
  }

  /** {@code GET set?…}: one page of the matching rows in order, with a next link if more. */
  DataResponse query(DataRequest req, EntityType type) {
    List<QueryString.Param> params = req.params();
    ODataQuery query = ODataQuery.parse(params, type);
    Prefer prefer = req.prefer();
    Representation rep = req.representation();
    OrderBy order = query.orderBy();
    List<Row> matching =
        store.rows(type).stream()
            .filter(r -> query.filter().matches(r.values()))
            .sorted(order.comparator(type))
            .toList();
    JsonObject body = new JsonObject();
    if (rep.control()) {
      body.put("@odata.context", WebApi.context(serviceRoot.get(), type, query.select(), false));
    }
    counts(body, query.count(), rep, matching.size());
    List<Row> page;
    String nextLink = null;
    Integer appliedPageSize = null;
    if (query.top().isPresent()) {
      // $top returns one page and no next link; odata.maxpagesize is not applied with it.
      page = matching.subList(0, Math.min(query.top().getAsInt(), matching.size()));
    } else {
      int pageSize =
          Math.min(prefer.maxPageSize().orElse(WebApi.MAX_PAGE_SIZE), WebApi.MAX_PAGE_SIZE);
      if (prefer.maxPageSize().isPresent()) {
        appliedPageSize = pageSize;
      }
      List<Row> rest =
          query.page().map(c -> after(matching, type, order, c.last())).orElse(matching);
      page = rest.subList(0, Math.min(pageSize, rest.size()));
      if (rest.size() > page.size()) {
        int next = query.page().map(PageCookie::pageNumber).orElse(1) + 1;
        PageCookie cookie =
            new PageCookie(
                next, order.tuple(type, page.get(page.size() - 1)), order.tuple(type, page.get(0)));
        nextLink = nextLink(params, type, cookie.skipToken(type, order.sortKeys(type)));
      }
    }
    JsonArray value = new JsonArray();
    page.forEach(r -> value.add(entityJson.write(type, r, query.select(), rep, serviceRoot.get())));
    body.put("value", value);
    if (nextLink != null) {
      body.put("@odata.nextLink", nextLink);
    }
    List<String> applied = new ArrayList<>();
    rep.applied().ifPresent(applied::add);
    if (appliedPageSize != null) {
      applied.add("odata.maxpagesize=" + appliedPageSize);
    }
    return DataResponse.json(200, body, rep.level()).preferenceApplied(applied);
  }

  /**
   * {@code @odata.count} for {@code $count=true}, and Dataverse's total record count annotations
   * when asked for (-1 and false without {@code $count=true}).
   */
  private static void counts(JsonObject body, boolean count, Representation rep, int matching) {
    int capped = Math.min(matching, WebApi.MAX_PAGE_SIZE);
    if (count) {
      body.put("@odata.count", capped);
    }
    if (rep.includes(Representation.TOTAL_RECORD_COUNT)) {
      body.put("@" + Representation.TOTAL_RECORD_COUNT, count ? capped : -1);
    }
    if (rep.includes(Representation.TOTAL_RECORD_COUNT_LIMIT_EXCEEDED)) {
      body.put(
          "@" + Representation.TOTAL_RECORD_COUNT_LIMIT_EXCEEDED,
          count && matching > WebApi.MAX_PAGE_SIZE);
    }
  }

  /** {@code GET set/$count}: the number of matching rows as text, capped as Dataverse caps it. */
  DataResponse count(DataRequest req, EntityType type) {
    if (!req.method().equals("GET")) {
      throw DataverseException.methodNotAllowed(req.method());
    }
    ODataQuery query = ODataQuery.parse(req.params(), type);
    long matching =
        store.rows(type).stream().filter(r -> query.filter().matches(r.values())).count();
    return DataResponse.text(
        200, "text/plain", Long.toString(Math.min(matching, WebApi.MAX_PAGE_SIZE)));
  }

  /** The rows after {@code last} in the query's order (keyset paging). */
  private static List<Row> after(
      List<Row> rows, EntityType type, OrderBy order, List<Object> last) {
    return rows.stream().filter(r -> order.compare(type, order.tuple(type, r), last) > 0).toList();
  }

  /** The same request with the new {@code $skiptoken}, absolute, other options unchanged. */
  private String nextLink(List<QueryString.Param> params, EntityType type, String skipToken) {
    List<String> kept = new ArrayList<>();
    params.stream().filter(p -> !p.name().equals("$skiptoken")).forEach(p -> kept.add(p.raw()));
    kept.add("$skiptoken=" + QueryString.encode(skipToken, "=/"));
    return serviceRoot.get() + type.setName() + "?" + String.join("&", kept);
  }
}
