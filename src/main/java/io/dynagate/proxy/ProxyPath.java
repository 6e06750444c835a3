package io.dynagate.proxy;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A proxy request target that passed {@link PathPolicy}: what is sent upstream and what grants are
 * checked against.
 *
 * <p>{@code entitySet} is the first segment after {@code api/data/v{x}.{y}/} with any key or
 * argument suffix {@code ( … )} removed: {@code accounts(…)/contact_customer_accounts} gives {@code
 * accounts}. Unbound functions and actions deliberately count as their own entity set name for
 * grants: {@code WhoAmI} and {@code RetrieveVersion()} give {@code WhoAmI} and {@code
 * RetrieveVersion}; {@code $metadata} gives {@code $metadata} and {@code $batch} gives {@code
 * $batch}. A grant limited to named entity sets therefore allows a function only when it names it.
 *
 * @param path canonical path without leading slash, exactly as sent upstream after the org URL
 *     (still percent-encoded as received), e.g. {@code api/data/v9.2/accounts(…)/contacts}
 * @param rawQuery the undecoded query string without {@code ?}; null when absent or empty
 * @param entitySet the entity set (or function, action, {@code $batch}, {@code $metadata}) name;
 *     null when the path has no segment after the API version (e.g. {@code api/data/v9.2/})
 * @param batch the entity-set segment is {@code $batch} (compared case-insensitively, because
 *     Dataverse routes {@code $BATCH} too and every batch must be inspected part by part)
 */
public record ProxyPath(String path, String rawQuery, String entitySet, boolean batch) {
  private static final Pattern SCHEMA =
      Pattern.compile("api/data/v[0-9]+\\.[0-9]+(/|/\\$metadata)?");

  public ProxyPath {
    Objects.requireNonNull(path, "path");
  }

  /** The target is a Web API version's service document or {@code $metadata}: schema, no data. */
  public boolean schema() {
    return SCHEMA.matcher(path).matches();
  }
}
