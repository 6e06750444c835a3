package io.dynagate.audit;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** Audit rows; callers run inside a session or transaction opened by the service. */
@ApplicationScoped
public class AuditRepository implements PanacheRepositoryBase<AuditEntity, Long> {

  /** Up to {@code limit} rows matching the query, newest first, after the cursor if any. */
  Uni<List<AuditEntity>> page(AuditQuery q, int limit) {
    List<String> where = new ArrayList<>();
    Parameters p = new Parameters();
    if (q.target() != null) {
      where.add("target = :target");
      p = p.and("target", q.target());
    }
    if (q.principal() != null) {
      where.add("principal = :principal");
      p = p.and("principal", q.principal());
    }
    if (q.since() != null) {
      where.add("at >= :since");
      p = p.and("since", q.since());
    }
    if (q.until() != null) {
      where.add("at < :until");
      p = p.and("until", q.until());
    }
    if (q.after() != null) {
      where.add("(at < :afterAt or (at = :afterAt and id < :afterId))");
      p = p.and("afterAt", q.after().at()).and("afterId", q.after().id());
    }
    Sort newestFirst = Sort.descending("at", "id");
    var query =
        where.isEmpty() ? findAll(newestFirst) : find(String.join(" and ", where), newestFirst, p);
    return query.range(0, limit - 1).list();
  }
}
