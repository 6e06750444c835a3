package io.dynagate.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.net.HostAndPort;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Links in the answer that point at the org are rewritten onto the public base the caller used
 * ({@link PublicBases}): the {@code Location} and {@code OData-EntityId} headers at once, a JSON or
 * {@code $batch} body on its way through ({@link LinkRewriter}). Other bodies pass untouched.
 */
@ApplicationScoped
class LinkInterceptor implements ProxyInterceptor {
  private static final String[] LINK_HEADERS = {"Location", "OData-EntityId"};
  private final PublicBases bases;

  LinkInterceptor(PublicBases bases) {
    this.bases = bases;
  }

  @Override
  public void onResponse(ProxyExchange x, HttpClientResponse response) {
    String contentType = response.getHeader("Content-Type");
    boolean multipart = startsWithIgnoreCase(contentType, "multipart/mixed");
    boolean rewritable = multipart || startsWithIgnoreCase(contentType, "application/json");
    MultiMap headers = x.responseHeaders;
    LinkRewriter links = null;
    for (String name : LINK_HEADERS) {
      String value = headers.get(name);
      if (value != null) {
        if (links == null) {
          links = new LinkRewriter(x.connection.orgUrl(), linkPrefix(x), multipart);
        }
        headers.set(name, links.rewriteHeader(value));
      }
    }
    if (rewritable) {
      x.bodyRewriter =
          links != null ? links : new LinkRewriter(x.connection.orgUrl(), linkPrefix(x), multipart);
    }
  }

  /** {@code {base}/proxy/{id}} on the public base the caller reached the gateway by. */
  private String linkPrefix(ProxyExchange x) {
    HostAndPort authority = x.rc.request().authority();
    String base =
        authority == null
            ? bases.forAuthority(null, -1)
            : bases.forAuthority(authority.host(), authority.port());
    return base + ProxyTarget.PREFIX + x.connectionId;
  }

  private static boolean startsWithIgnoreCase(String value, String prefix) {
    return value != null && value.regionMatches(true, 0, prefix, 0, prefix.length());
  }
}
