package io.dynagate.proxy;

import io.dynagate.config.DynagateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The gateway's public bases ({@code DYNAGATE_PUBLIC_BASE_URL}, comma-separated): links in answers
 * are written on the base whose authority the request's {@code Host} names, else on the first
 * (contract section 4). Inner {@code $batch} URLs may use any of them. {@code X-Forwarded-*} is not
 * consulted: a caller cannot make the gateway write links to a host that is not configured.
 *
 * <p>Immutable; built once at start, which fails with a clear message for a base that is not an
 * http(s) URL without query or fragment.
 */
@ApplicationScoped
class PublicBases {
  /** One base: its text without trailing slash, and its host and effective port. */
  record Base(String url, String host, int port) {}

  private final List<Base> bases;

  @Inject
  PublicBases(DynagateConfig config) {
    this(config.publicBaseUrl());
  }

  PublicBases(List<String> urls) {
    List<Base> parsed = new ArrayList<>();
    for (String url : urls) {
      parsed.add(parse(url.trim()));
    }
    if (parsed.isEmpty()) {
      throw new IllegalStateException("DYNAGATE_PUBLIC_BASE_URL lists no base URL");
    }
    this.bases = List.copyOf(parsed);
  }

  /**
   * The base for a request that named {@code host} (and {@code port}, or -1 when its {@code Host}
   * had none): the first base with that host (case-insensitive; an IPv6 literal matches with or
   * without the brackets that Vert.x's {@code HostAndPort.host()} keeps) and effective port, else
   * the first base.
   */
  String forAuthority(String host, int port) {
    if (host != null) {
      String h = unbracket(host.toLowerCase(Locale.ROOT));
      for (Base b : bases) {
        int effective = port < 0 ? defaultPort(b) : port;
        if (b.host().equals(h) && b.port() == effective) {
          return b.url();
        }
      }
    }
    return bases.get(0).url();
  }

  /** {@code {base}/proxy/{connectionId}} for every base, first base first. */
  List<String> connectionPrefixes(String connectionId) {
    return bases.stream().map(b -> b.url() + ProxyTarget.PREFIX + connectionId).toList();
  }

  private static Base parse(String url) {
    String stripped = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    try {
      URI uri = new URI(stripped);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https"))
          || uri.getHost() == null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null
          || uri.getRawUserInfo() != null
          || stripped.contains("\"")
          || stripped.contains("\\")) {
        throw invalid(url);
      }
      int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
      return new Base(stripped, unbracket(uri.getHost().toLowerCase(Locale.ROOT)), port);
    } catch (URISyntaxException e) {
      throw invalid(url);
    }
  }

  private static String unbracket(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static int defaultPort(Base b) {
    return b.url().regionMatches(true, 0, "https:", 0, 6) ? 443 : 80;
  }

  private static IllegalStateException invalid(String url) {
    return new IllegalStateException(
        "DYNAGATE_PUBLIC_BASE_URL: '"
            + url
            + "' is not an http(s) URL without user info, query or fragment");
  }
}
