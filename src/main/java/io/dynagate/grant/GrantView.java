package io.dynagate.grant;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A grant as the admin API shows it.
 *
 * @param entitySets the entity sets it is limited to; null = every set
 * @param privileges the privileged-header permissions ({@link Privilege#wire()} names); empty =
 *     none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GrantView(
    String connectionId,
    String principal,
    String access,
    List<String> entitySets,
    boolean impersonation,
    List<String> privileges,
    Instant createdAt,
    Instant updatedAt) {
  public GrantView {
    privileges = privileges == null ? List.of() : List.copyOf(privileges);
  }

  /** Whether the grant holds {@code privilege}. */
  public boolean holds(Privilege privilege) {
    return privileges.contains(privilege.wire());
  }
}
