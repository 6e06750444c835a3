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

  static EntraError unknownClient(String clientId) {
    return new EntraError(
        400,
        "unauthorized_client",
        700016,
        "Application with identifier '"
            + clientId
            + "' was not found in the directory. This can happen if the application has not been"
            + " installed by the administrator of the tenant or consented to by any user in the"
            + " tenant. You may have sent your authentication request to the wrong tenant.");
  }

  /** Unknown, expired, revoked (or knob-refused) code or refresh token. */
  static EntraError expiredGrant() {
    return new EntraError(
        400,
        "invalid_grant",
        70008,
        "The provided authorization code or refresh token has expired due to inactivity. Send a"
            + " new interactive authorization request for this user and resource.");
  }

  static EntraError codeAlreadyRedeemed() {
    return new EntraError(
        400,
        "invalid_grant",
        54005,
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or"
            + " use an existing refresh token.");
  }

  static EntraError pkceMismatch() {
    return new EntraError(
        400,
        "invalid_grant",
        501481,
        "The Code_Verifier does not match the code_challenge supplied in the authorization"
            + " request.");
  }

  static EntraError redirectUriMismatch(String given, String expected) {
    return new EntraError(
        400,
        "invalid_grant",
        500112,
        "The reply address '"
            + given
            + "' does not match the reply address '"
            + expected
            + "' provided when requesting Authorization code.");
  }

  static EntraError issuedToAnotherClient(String what) {
    return new EntraError(
        400, "invalid_grant", 70000, "The provided " + what + " was issued to a different client.");
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
