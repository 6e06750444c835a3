package io.dynagate.proxy;

import io.dynagate.grant.Privilege;
import io.vertx.core.MultiMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
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
          "accept-encoding",
          // method tunnelling would let a POST act as DELETE past the method check of the grant
          "x-http-method",
          "x-http-method-override",
          "x-method-override",
          // IIS URL rewriting honours these; they would route to a path the gateway never checked
          "x-original-url",
          "x-rewrite-url");

  /** Set anew for the upstream hop of the outer request (bodies may be re-framed). */
  private static final Set<String> NOT_RELAYED = Set.of("content-length");

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
   * headers ({@code X-Original-URL}, {@code X-Rewrite-URL}). Impersonation and privileged headers
   * pass; the caller must have checked {@link #requestsImpersonation} and {@link
   * #requestedPrivileges} against the grant.
   */
  public static MultiMap upstreamRequestHeaders(MultiMap incoming) {
    Set<String> named = connectionTokens(incoming.getAll("Connection"));
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    for (Map.Entry<String, String> header : incoming) {
      String name = lower(header.getKey());
      if (forwarded(name, named) && !NOT_RELAYED.contains(name)) {
        out.add(header.getKey(), header.getValue());
      }
    }
    return out;
  }

  /**
   * Whether a header of a request inside a {@code $batch} part (or of the part's MIME headers) is
   * forwarded: the same rule as {@link #upstreamRequestHeaders}, except that {@code Content-Length}
   * stays (the gateway does not change inner bodies) — credentials, cookies, {@code Host}, {@code
   * Forwarded} / {@code X-Forwarded-*}, hop-by-hop headers and those named in the part's {@code
   * Connection} never reach Dataverse.
   *
   * @param name the header name
   * @param named lower-cased names listed in the part's {@code Connection} headers ({@link
   *     #connectionTokens})
   */
  public static boolean forwardedInBatch(String name, Set<String> named) {
    return forwarded(lower(name), named);
  }

  private static boolean forwarded(String lowerName, Set<String> named) {
    return !HOP_BY_HOP.contains(lowerName)
        && !named.contains(lowerName)
        && !REQUEST_DROPPED.contains(lowerName)
        && !lowerName.startsWith("x-forwarded-")
        && !lowerName.startsWith(":");
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
    Set<String> named = connectionTokens(upstream.getAll("Connection"));
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
      if (isImpersonation(name)) {
        return true;
      }
    }
    return false;
  }

  /** {@code CallerObjectId} or {@code MSCRMCallerID}, in any case. */
  public static boolean isImpersonation(String name) {
    return IMPERSONATION_HEADERS.contains(lower(name));
  }

  /**
   * The grant permissions the request's privileged Dataverse headers need (see {@link Privilege}),
   * whatever their values: {@code MSCRM.BypassCustomPluginExecution: false} still asks.
   */
  public static Set<Privilege> requestedPrivileges(MultiMap incoming) {
    Set<Privilege> needed = EnumSet.noneOf(Privilege.class);
    for (String name : incoming.names()) {
      Privilege.forHeader(name).ifPresent(needed::add);
    }
    return needed;
  }

  /** Lower-cased header names listed in the given {@code Connection} header values. */
  public static Set<String> connectionTokens(List<String> connectionValues) {
    Set<String> tokens = new HashSet<>();
    for (String value : connectionValues) {
      int length = value.length();
      for (int start = 0; start < length; ) {
        int comma = value.indexOf(',', start);
        int end = comma < 0 ? length : comma;
        int from = start;
        int to = end;
        while (from < to && value.charAt(from) <= ' ') {
          from++; // the same characters as String.trim
        }
        while (to > from && value.charAt(to - 1) <= ' ') {
          to--;
        }
        if (to > from) {
          tokens.add(lower(value.substring(from, to)));
        }
        start = end + 1;
      }
    }
    return tokens;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
