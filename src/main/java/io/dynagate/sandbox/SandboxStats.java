package io.dynagate.sandbox;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counters of the requests that reached the emulator, successful or not: token endpoint (also per
 * {@code grant_type}) and data API ({@code $batch} counts as one).
 */
public final class SandboxStats {

  private long tokenRequests;
  private final Map<String, Long> tokenRequestsByGrant = new TreeMap<>();
  private long dataRequests;

  synchronized void countTokenRequest(String grantType) {
    tokenRequests++;
    tokenRequestsByGrant.merge(grantType, 1L, Long::sum);
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

  /** Zeroes every counter. */
  public synchronized void clear() {
    tokenRequests = 0;
    tokenRequestsByGrant.clear();
    dataRequests = 0;
  }

  /**
   * {@code {"tokenRequests":n,"tokenRequestsByGrant":{"client_credentials":n},"dataRequests":n}}
   */
  public synchronized JsonObject toJson() {
    JsonObject byGrant = new JsonObject();
    tokenRequestsByGrant.forEach(byGrant::put);
    return new JsonObject()
        .put("tokenRequests", tokenRequests)
        .put("tokenRequestsByGrant", byGrant)
        .put("dataRequests", dataRequests);
  }
}
