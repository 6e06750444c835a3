package io.dynagate.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A page of audit items, newest first.
 *
 * @param next the cursor of the next page; null on the last page
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record AuditPage(List<AuditRecord> items, String next) {}
