package io.dynagate.sandbox;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * An error of the Microsoft identity platform token endpoint: {@code error} to branch on, an AADSTS
 * code as a hint, trace and correlation ids, in Entra's wire form.
 *
 * @param status HTTP status
 * @param error OAuth error ({@code invalid_client}, {@code invalid_scope}, …)
 * @param aadsts AADSTS number
 * @param description text after {@code AADSTSnnn: }
 */
record EntraError(int status, String error, int aadsts, String description) {

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  static EntraError invalidRequest(String missingParameter) {
    return new EntraError(
        400,
        "invalid_request",
        900144,
        "The request body must contain the following parameter: '" + missingParameter + "'.");
  }

  static EntraError unsupportedGrantType(String grantType) {
    return new EntraError(
        400,
        "unsupported_grant_type",
        70003,
        "The app requested an unsupported grant type '" + grantType + "'.");
  }

  static EntraError invalidScope(String detail) {
    return new EntraError(400, "invalid_scope", 70011, detail);
  }

  static EntraError invalidClientSecret(String clientId) {
    return new EntraError(
        401,
        "invalid_client",
        7000215,
        "Invalid client secret provided. Ensure the secret being sent in the request is the"
            + " client secret value, not the client secret ID, for a secret added to app '"
            + clientId
            + "'.");
  }

  static EntraError missingClientSecret() {
    return new EntraError(
        401,
        "invalid_client",
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or"
            + " 'client_secret'.");
  }

  static EntraError temporarilyUnavailable(int status) {
    return new EntraError(
        status,
        "temporarily_unavailable",
        90033,
        "A transient error has occurred. Please try again.");
  }

  /** The response body, with fresh trace and correlation ids. */
  JsonObject toJson() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String timestamp = TIMESTAMP.format(now);
    String traceId = UUID.randomUUID().toString();
    String correlationId = UUID.randomUUID().toString();
    return new JsonObject()
        .put("error", error)
        .put(
            "error_description",
            "AADSTS"
                + aadsts
                + ": "
                + description
                + "\r\nTrace ID: "
                + traceId
                + "\r\nCorrelation ID: "
                + correlationId
                + "\r\nTimestamp: "
                + timestamp)
        .put("error_codes", new JsonArray().add(aadsts))
        .put("timestamp", timestamp)
        .put("trace_id", traceId)
        .put("correlation_id", correlationId)
        .put("error_uri", "https://login.microsoftonline.com/error?code=" + aadsts);
  }
}
