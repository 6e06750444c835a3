package io.dynagate.audit;

import java.time.Instant;

/**
 * The filters of {@code GET /admin/v1/audit}; null = not filtered.
 *
 * @param since inclusive lower bound of {@code at}
 * @param until exclusive upper bound of {@code at}
 * @param after the cursor: the last item of the previous page
 */
record AuditQuery(
    String target, String principal, Instant since, Instant until, AuditCursor after) {}
