package io.dynagate.apikey;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * An API key as the admin API shows it. {@code key} is present only in the response that created
 * it; the gateway keeps only its hash.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiKeyView(
    String id,
    String principal,
    List<String> roles,
    String key,
    Instant createdAt,
    Instant revokedAt) {}
