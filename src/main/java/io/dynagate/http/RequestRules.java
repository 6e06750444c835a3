package io.dynagate.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpVersion;
import java.util.List;

/**
 * RFC 9112's MUSTs about a request's framing that Netty's decoder lets through, checked on the
 * decoded head. Each refusal is a fixed sentence (never request content): the caller gets it as the
 * detail of a 400 {@code bad_request}, and the connection closes.
 *
 * <p>Netty already refuses what it cannot parse (400), an over-long request line (414) and
 * over-large headers (431), differing {@code Content-Length} values, and {@code Transfer-Encoding:
 * chunked} together with a {@code Content-Length} (400 and close, one of the two answers RFC 9112
 * section 6.1 allows). A {@code Transfer-Encoding} it does not take for chunked ({@code xchunked})
 * it would frame by the {@code Content-Length}; that is refused here. {@link ExchangeWatch} answers
 * unknown HTTP versions.
 */
final class RequestRules {
  private RequestRules() {}

  static final String TWO_HOSTS = "A request may carry only one Host header.";
  static final String TE_NOT_CHUNKED =
      "The request's Transfer-Encoding does not end with chunked, so its length is unknown.";
  static final String TE_NOT_ONLY_CHUNKED = "Only the chunked transfer coding is accepted.";
  static final String TE_IN_HTTP_1_0 = "An HTTP/1.0 request may not use Transfer-Encoding.";

  /** Why the request must be refused, or null when its framing is sound. */
  static String refusal(HttpVersion version, MultiMap headers) {
    if (version == HttpVersion.HTTP_2) {
      return null; // HTTP/2 framing; its codec forbids Transfer-Encoding and checks :authority
    }
    List<String> hosts = headers.getAll("Host");
    if (hosts.size() > 1) {
      // RFC 9112 section 3.2: more than one Host field line
      return TWO_HOSTS;
    }
    List<String> te = headers.getAll("Transfer-Encoding");
    if (te.isEmpty()) {
      return null;
    }
    if (version == HttpVersion.HTTP_1_0) {
      // section 6.1: the framing of an HTTP/1.0 message with Transfer-Encoding is faulty
      return TE_IN_HTTP_1_0;
    }
    return transferCodings(te);
  }

  /**
   * Section 6.3: a request whose final transfer coding is not chunked has no determinable length
   * (400). Codings before chunked (gzip, deflate) would reach Dataverse undecoded once the proxy
   * drops the hop-by-hop Transfer-Encoding, so only {@code chunked} alone passes.
   */
  private static String transferCodings(List<String> fieldValues) {
    String last = null;
    int count = 0;
    for (String value : fieldValues) {
      for (String coding : value.split(",", -1)) {
        String c = coding.strip();
        if (c.isEmpty()) {
          continue;
        }
        // compared whole, as Netty does: "chunked;x" is not chunked to its decoder
        last = c;
        count++;
      }
    }
    if (last == null || !last.equalsIgnoreCase("chunked")) {
      return TE_NOT_CHUNKED;
    }
    return count == 1 ? null : TE_NOT_ONLY_CHUNKED;
  }
}
