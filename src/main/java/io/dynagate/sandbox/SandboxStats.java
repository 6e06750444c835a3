package io.dynagate.sandbox;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counters of the requests that reached the emulator, successful or not: token endpoint (also per
 * {@code grant_type}), refresh token redemptions, and data API ({@code $batch} counts as one).
 * Refresh tokens are counted under their SHA-256 digest and never exposed.
 */
public final class SandboxStats {

  private long tokenRequests;
  private final Map<String, Long> tokenRequestsByGrant = new TreeMap<>();
  private long dataRequests;
  private long refreshTokenRedemptions;
  private final Map<String, Long> presentationsByRefreshToken = new HashMap<>();
  private long maxRedemptionsOfOneRefreshToken;

  synchronized void countTokenRequest(String grantType) {
    tokenRequests++;
    tokenRequestsByGrant.merge(grantType, 1L, Long::sum);
  }

  /**
   * A {@code refresh_token} grant request arrived presenting {@code refreshToken} (may be null).
   */
  synchronized void countRefreshTokenRedemption(String refreshToken) {
    refreshTokenRedemptions++;
    if (refreshToken != null && !refreshToken.isBlank()) {
      long n =
          presentationsByRefreshToken.merge(GrantStore.s256Digest(refreshToken), 1L, Long::sum);
      maxRedemptionsOfOneRefreshToken = Math.max(maxRedemptionsOfOneRefreshToken, n);
    }
  }

  synchronized void countDataRequest() {
    dataRequests++;
  }

  /** Requests that reached the token endpoint. */
  public synchronized long tokenRequests() {
    return tokenRequests;
  }

  /** Token endpoint requests with this {@code grant_type} ({@code none} when it was missing). */
  public synchronized long tokenRequests(String grantType) {
    return tokenRequestsByGrant.getOrDefault(grantType, 0L);
  }

  /** Requests that reached the data API. */
  public synchronized long dataRequests() {
    return dataRequests;
  }

  /** Requests of the {@code refresh_token} grant, successful or not. */
  public synchronized long refreshTokenRedemptions() {
    return refreshTokenRedemptions;
  }

  /** The most times any single refresh token was presented to the token endpoint. */
  public synchronized long maxRedemptionsOfOneRefreshToken() {
    return maxRedemptionsOfOneRefreshToken;
  }

  /** Zeroes every counter. */
  public synchronized void clear() {
    tokenRequests = 0;
    tokenRequestsByGrant.clear();
    dataRequests = 0;
    refreshTokenRedemptions = 0;
    presentationsByRefreshToken.clear();
    maxRedemptionsOfOneRefreshToken = 0;
  }

  /**
   * {@code {"tokenRequests":n,"tokenRequestsByGrant":{"client_credentials":n},"dataRequests":n,
   * "refreshTokenRedemptions":n,"maxRedemptionsOfOneRefreshToken":n}}
   */
  public synchronized JsonObject toJson() {
    JsonObject byGrant = new JsonObject();
    tokenRequestsByGrant.forEach(byGrant::put);
    return new JsonObject()
        .put("tokenRequests", tokenRequests)
        .put("tokenRequestsByGrant", byGrant)
        .put("dataRequests", dataRequests)
        .put("refreshTokenRedemptions", refreshTokenRedemptions)
        .put("maxRedemptionsOfOneRefreshToken", maxRedemptionsOfOneRefreshToken);
  }
}
