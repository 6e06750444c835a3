package io.dynagate.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynagate.store.Bounded;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Reads the audit trail, newest first, one keyset page at a time. */
@ApplicationScoped
@Bounded
public class AuditService {
  private final AuditRepository rows;
  private final ObjectMapper json;

  AuditService(AuditRepository rows, ObjectMapper json) {
    this.rows = rows;
    this.json = json;
  }

  @WithSession
  Uni<AuditPage> page(AuditQuery query, int limit) {
    // one row more than asked tells whether there is a next page
    return rows.page(query, limit + 1)
        .map(
            found -> {
              List<AuditEntity> shown = found.size() > limit ? found.subList(0, limit) : found;
              String next =
                  found.size() > limit
                      ? new AuditCursor(shown.get(limit - 1).at, shown.get(limit - 1).id).encode()
                      : null;
              return new AuditPage(shown.stream().map(this::record).toList(), next);
            });
  }

  private AuditRecord record(AuditEntity e) {
    ObjectNode changes;
    try {
      changes = (ObjectNode) json.readTree(e.changes);
    } catch (JsonProcessingException | ClassCastException ex) {
      changes = json.createObjectNode(); // written by us as an object; never fails in practice
    }
    return new AuditRecord(e.at, e.principal, e.action, e.target, e.requestId, changes);
  }
}
