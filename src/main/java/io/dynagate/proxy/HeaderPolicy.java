package io.dynagate.proxy;

import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which headers cross the gateway in each direction (contract section 4). Pure: both methods return
 * a new case-insensitive {@link MultiMap} and leave the input untouched; names keep their original
 * spelling and values their order.
 */
public final class HeaderPolicy {
  /** Headers that ask Dataverse to act as another user; allowed only by an impersonation grant. */
  public static final Set<String> IMPERSONATION_HEADERS = Set.of("callerobjectid", "mscrmcallerid");

  /** RFC 9110 section 7.6.1 connection-specific headers, plus the legacy Proxy-Connection. */
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "proxy-connection");

  private static final Set<String> REQUEST_DROPPED =
      Set.of(
          // the gateway's own credentials and the caller's session never reach Dataverse;
          // the gateway sets Authorization itself
          "authorization",
          "x-api-key",
          "cookie",
          // the upstream host and client address come from the connection, not the caller
          "host",
          "forwarded",
          // the HTTP client handles these for the upstream hop
          "expect",
          "content-length",
          "accept-encoding",
          // method tunnelling would let a POST act as DELETE past the method check of the grant
          "x-http-method",
          "x-http-method-override",
          "x-method-override",
          // IIS URL rewriting honours these; they would route to a path the gateway never checked
          "x-original-url",
          "x-rewrite-url");

  private static final Set<String> RESPONSE_DROPPED =
      Set.of(
          "set-cookie",
          "set-cookie2",
          // bodies are decompressed and may be rewritten; the server frames and encodes them anew
          "content-length",
          "content-encoding",
          // advertises alternative services for the Dataverse origin, not for the gateway's
          "alt-svc");

  private HeaderPolicy() {}

  /**
   * The headers to send to Dataverse: every incoming header except credentials ({@code
   * Authorization}, {@code X-Api-Key}, {@code Cookie}), {@code Host}, hop-by-hop headers and those
   * named in {@code Connection}, {@code Forwarded} and {@code X-Forwarded-*}, {@code Expect},
   * {@code Content-Length}, {@code Accept-Encoding}, method-override headers ({@code
   * X-HTTP-Method}, {@code X-HTTP-Method-Override}, {@code X-Method-Override}) and IIS rewrite
   * headers ({@code X-Original-URL}, {@code X-Rewrite-URL}). Impersonation headers pass; the caller
   * must have checked {@link #requestsImpersonation} against the grant.
   */
  public static MultiMap upstreamRequestHeaders(MultiMap incoming) {
    Set<String> named = connectionTokens(incoming);
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    for (Map.Entry<String, String> header : incoming) {
      String name = lower(header.getKey());
      if (!HOP_BY_HOP.contains(name)
          && !named.contains(name)
          && !REQUEST_DROPPED.contains(name)
          && !name.startsWith("x-forwarded-")
          && !name.startsWith(":")) {
        out.add(header.getKey(), header.getValue());
      }
    }
    return out;
  }

  /**
   * The headers to return to the caller: every upstream header except hop-by-hop headers and those
   * named in {@code Connection}, {@code Set-Cookie}, {@code Set-Cookie2}, {@code Content-Length},
   * {@code Content-Encoding} and {@code Alt-Svc}. {@code ETag}, {@code OData-*}, {@code
   * Preference-Applied}, {@code Retry-After}, {@code x-ms-*}, {@code Content-Type} and {@code
   * WWW-Authenticate} pass; {@code Location} and {@code OData-EntityId} pass unchanged here and are
   * rewritten by {@link LinkRewriter#rewriteHeader}.
   */
  public static MultiMap downstreamResponseHeaders(MultiMap upstream) {
    Set<String> named = connectionTokens(upstream);
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    for (Map.Entry<String, String> header : upstream) {
      String name = lower(header.getKey());
      if (!HOP_BY_HOP.contains(name)
          && !named.contains(name)
          && !RESPONSE_DROPPED.contains(name)
          && !name.startsWith(":")) {
        out.add(header.getKey(), header.getValue());
      }
    }
    return out;
  }

  /** Whether any impersonation header is present, whatever its value (even empty). */
  public static boolean requestsImpersonation(MultiMap incoming) {
    for (String name : incoming.names()) {
      if (IMPERSONATION_HEADERS.contains(lower(name))) {
        return true;
      }
    }
    return false;
  }

  /** Lower-cased header names listed in every {@code Connection} header value. */
  private static Set<String> connectionTokens(MultiMap headers) {
    Set<String> tokens = new HashSet<>();
    for (String value : headers.getAll("Connection")) {
      for (String token : value.split(",")) {
        String t = token.trim();
        if (!t.isEmpty()) {
          tokens.add(lower(t));
        }
      }
    }
    return tokens;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
