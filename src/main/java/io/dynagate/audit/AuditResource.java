package io.dynagate.audit;

import io.dynagate.problem.FieldError;
import io.dynagate.problem.GatewayProblem;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** {@code GET /admin/v1/audit}: contract section 3, README "Audit trail". */
@Path("/admin/v1/audit")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;

  private final AuditService service;

  AuditResource(AuditService service) {
    this.service = service;
  }

  @GET
  public Uni<AuditPage> list(
      @Parameter(description = "exact target, e.g. connection:contoso or grant:contoso/engine-1")
          @QueryParam("target")
          String target,
      @Parameter(description = "exact principal of the admin who made the change")
          @QueryParam("principal")
          String principal,
      @Parameter(description = "ISO-8601 instant; items at or after it") @QueryParam("since")
          String since,
      @Parameter(description = "ISO-8601 instant; items before it") @QueryParam("until")
          String until,
      @Parameter(description = "items per page, 1-500 (default 50)") @QueryParam("limit")
          String limit,
      @Parameter(description = "the next value of the previous page") @QueryParam("cursor")
          String cursor) {
    List<FieldError> errors = new ArrayList<>();
    Instant from = instant("since", since, errors);
    Instant to = instant("until", until, errors);
    if (from != null && to != null && !from.isBefore(to)) {
      errors.add(new FieldError("until", "must be after since"));
    }
    int size = limit(limit, errors);
    AuditCursor after = null;
    if (cursor != null) {
      try {
        after = AuditCursor.decode(cursor);
      } catch (GatewayProblem p) {
        errors.addAll(p.errors());
      }
    }
    if (!errors.isEmpty()) {
      return Uni.createFrom().failure(GatewayProblem.validation(errors));
    }
    return service.page(
        new AuditQuery(blankToNull(target), blankToNull(principal), from, to, after), size);
  }

  private static Instant instant(String field, String value, List<FieldError> errors) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(field, "must be an ISO-8601 instant, e.g. 2025-01-31T12:00:00Z"));
      return null;
    }
  }

  private static int limit(String value, List<FieldError> errors) {
    if (value == null || value.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    errors.add(new FieldError("limit", "must be an integer from 1 to " + MAX_LIMIT));
    return DEFAULT_LIMIT;
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
