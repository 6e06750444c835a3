package io.dynagate.grant;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** A grant as the admin API shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GrantView(
    String connectionId,
    String principal,
    String access,
    List<String> entitySets,
    boolean impersonation,
    Instant createdAt,
    Instant updatedAt) {}
