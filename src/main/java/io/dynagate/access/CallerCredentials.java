package io.dynagate.access;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Which gateway credential a request carries (contract section 2), decided from its {@code
 * X-Api-Key} and {@code Authorization} headers the way OData clients send them. Pure.
 *
 * <ul>
 *   <li>{@code X-Api-Key: k} alone is the API key {@code k}.
 *   <li>{@code Authorization: Bearer k} where {@code k} is an API key ({@code dgk_…} or the
 *       bootstrap key) is the same credential as {@code X-Api-Key: k}: OData clients put whatever
 *       their token callback returns there.
 *   <li>With {@code X-Api-Key}, an {@code Authorization} that is no gateway credential (a Dataverse
 *       token a client set up out of habit, a Basic header, garbage) is ignored for identity; the
 *       proxy never forwards it.
 *   <li>Two gateway credentials that disagree — {@code X-Api-Key} with another API key in {@code
 *       Authorization}, or with a bearer JWT of the gateway's own issuer and audience — are
 *       refused, as are repeated or empty headers: the gateway never guesses which one counts.
 *   <li>Without {@code X-Api-Key}, any other {@code Authorization} is left to the bearer JWT
 *       mechanism.
 * </ul>
 */
final class CallerCredentials {
  /** What the headers amount to. */
  sealed interface Outcome permits ApiKey, NotAnApiKey, Refused {}

  /** Authenticate with this API key. */
  record ApiKey(String key) implements Outcome {}

  /** No API key: the next mechanism (bearer JWT) decides. */
  record NotAnApiKey() implements Outcome {}

  /** Refused with 401; {@code detail} is a fixed text that never echoes a header value. */
  record Refused(String detail) implements Outcome {}

  static final String TWICE = "X-Api-Key is sent more than once.";
  static final String EMPTY = "X-Api-Key is empty.";
  static final String AUTHORIZATION_TWICE = "Authorization is sent more than once.";
  static final String KEYS_DIFFER =
      "X-Api-Key and the API key in Authorization are different credentials; send one of them.";
  static final String KEY_AND_JWT =
      "X-Api-Key and a bearer token of the gateway's issuer are two credentials; send one of"
          + " them.";

  private static final String BEARER = "bearer ";

  private CallerCredentials() {}

  /**
   * @param apiKeyHeaders every {@code X-Api-Key} value
   * @param authorization every {@code Authorization} value
   * @param isApiKey whether a bearer value is a gateway API key ({@code dgk_…}, the bootstrap key)
   * @param isGatewayJwt whether a bearer value is a JWT of the configured issuer and audience
   */
  static Outcome classify(
      List<String> apiKeyHeaders,
      List<String> authorization,
      Predicate<String> isApiKey,
      Predicate<String> isGatewayJwt) {
    if (apiKeyHeaders.size() > 1) {
      return new Refused(TWICE);
    }
    if (authorization.size() > 1) {
      return new Refused(AUTHORIZATION_TWICE);
    }
    String bearer = authorization.isEmpty() ? null : bearer(authorization.get(0));
    if (apiKeyHeaders.isEmpty()) {
      return bearer != null && isApiKey.test(bearer) ? new ApiKey(bearer) : new NotAnApiKey();
    }
    String key = apiKeyHeaders.get(0).trim();
    if (key.isEmpty()) {
      return new Refused(EMPTY);
    }
    if (bearer != null && !bearer.equals(key)) {
      if (isApiKey.test(bearer)) {
        return new Refused(KEYS_DIFFER);
      }
      if (isGatewayJwt.test(bearer)) {
        return new Refused(KEY_AND_JWT);
      }
    }
    return new ApiKey(key);
  }

  /** The token of a {@code Bearer} authorization (scheme case-insensitive), else null. */
  static String bearer(String authorization) {
    String value = authorization.trim();
    if (value.length() <= BEARER.length()
        || !value.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      return null;
    }
    String token = value.substring(BEARER.length()).trim();
    return token.isEmpty() ? null : token;
  }
}
