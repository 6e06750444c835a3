package io.dynagate.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One audit item as {@code GET /admin/v1/audit} shows it (contract section 3); never a secret.
 *
 * @param requestId null for changes made outside an HTTP request (provisioning)
 * @param changes {@code {"field":{"from":…,"to":…}}}; secret fields only as {@code
 *     {"changed":true}}
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record AuditRecord(
    Instant at,
    String principal,
    String action,
    String target,
    String requestId,
    ObjectNode changes) {}
