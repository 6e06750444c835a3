package io.dynagate.audit;

import io.dynagate.problem.GatewayProblem;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * The opaque {@code cursor} of an audit page: base64url of {@code <at>|<id>} of the last item
 * shown, so the next page starts strictly after it in (at desc, id desc) order.
 */
record AuditCursor(Instant at, long id) {
  private static final int MAX_LENGTH = 128;

  String encode() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((at + "|" + id).getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor a caller sent back; anything we did not make is a 400 naming {@code cursor}. */
  static AuditCursor decode(String cursor) {
    if (cursor.length() > MAX_LENGTH) {
      throw malformed();
    }
    try {
      String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int bar = plain.indexOf('|');
      if (bar < 0) {
        throw malformed();
      }
      long id = Long.parseLong(plain.substring(bar + 1));
      if (id <= 0) {
        throw malformed();
      }
      return new AuditCursor(Instant.parse(plain.substring(0, bar)), id);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw malformed();
    }
  }

  private static GatewayProblem malformed() {
    return GatewayProblem.validation("cursor", "is not a cursor of this endpoint");
  }
}
