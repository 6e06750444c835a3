package io.dynagate.health;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A connection entering or leaving a state, as logged and as POSTed to webhooks. {@code from} is
 * null when no state had been recorded (a new connection, or the status hash was lost); {@code
 * reason} is a code (the IdP's {@code error}, a probe outcome, {@code tokens_dropped}, …), never
 * free text.
 */
record StateChange(
    String id, String connection, String from, String to, String reason, Instant at) {

  static final String TYPE = "connection.state_changed";

  /** The webhook payload: no token, no secret, no description text. */
  String json() {
    JsonObject o = new JsonObject().put("id", id).put("type", TYPE).put("connection", connection);
    if (from == null) {
      o.putNull("from");
    } else {
      o.put("from", from);
    }
    return o.put("to", to).put("reason", reason).put("at", at.toString()).encode();
  }
}
