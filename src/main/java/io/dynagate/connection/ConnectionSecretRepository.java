package io.dynagate.connection;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Encrypted secrets of connections. */
@ApplicationScoped
public class ConnectionSecretRepository
    implements PanacheRepositoryBase<ConnectionSecretEntity, ConnectionSecretEntity.Key> {

  /**
   * Reads only the key-id prefix of each ciphertext (at most 32 characters before the colon), so
   * counting never loads whole values; a value without such a prefix counts under "".
   */
  private static final String COUNT_BY_KEY_ID =
      "select case when position(':' in left(ciphertext, 33)) > 1"
          + " then left(ciphertext, position(':' in left(ciphertext, 33)) - 1) else '' end,"
          + " count(*) from connection_secrets group by 1";

  public Uni<List<ConnectionSecretEntity>> forConnection(String connectionId) {
    return list("connectionId", connectionId);
  }

  public Uni<Long> deleteField(String connectionId, String field) {
    return delete("connectionId = ?1 and field = ?2", connectionId, field);
  }

  /** Number of rows per key-id prefix of the ciphertext. */
  public Uni<Map<String, Long>> countByKeyIdPrefix() {
    return getSession()
        .chain(s -> s.createNativeQuery(COUNT_BY_KEY_ID, Object[].class).getResultList())
        .map(
            rows -> {
              Map<String, Long> counts = new LinkedHashMap<>();
              for (Object[] r : rows) {
                counts.put((String) r[0], ((Number) r[1]).longValue());
              }
              return counts;
            });
  }

  /**
   * The next rows, in primary-key order after the given one, whose ciphertext was not made by the
   * given key (keyset paging, so rows left unchanged are never read twice).
   */
  public Uni<List<ConnectionSecretEntity>> notUnderKeyAfter(
      String kid, String afterConnectionId, String afterField, int limit) {
    return find(
            "ciphertext not like ?1 escape '!'"
                + " and (connectionId > ?2 or (connectionId = ?2 and field > ?3))",
            Sort.by("connectionId").and("field"),
            likeEscaped(kid) + ":%",
            afterConnectionId,
            afterField)
        .range(0, limit - 1)
        .list();
  }

  /**
   * Replaces a ciphertext only if the row still holds exactly the value that was read. The version
   * is deliberately left alone: the plain value is unchanged, and a refresher that read the row
   * before must still be able to store the refresh token the IdP just gave it.
   */
  public Uni<Boolean> replaceCiphertext(
      ConnectionSecretEntity.Key key,
      long version,
      String expectedCiphertext,
      String newCiphertext,
      Instant now) {
    return update(
            "ciphertext = ?1, updatedAt = ?2 where connectionId = ?3 and field = ?4"
                + " and version = ?5 and ciphertext = ?6",
            newCiphertext,
            now,
            key.connectionId,
            key.field,
            version,
            expectedCiphertext)
        .map(n -> n == 1);
  }

  private static String likeEscaped(String value) {
    return value.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }
}
