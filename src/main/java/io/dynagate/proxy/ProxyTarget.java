package io.dynagate.proxy;

/**
 * The connection id and the rest of a {@code /proxy/{connectionId}/{path}} request target, taken
 * apart without I/O.
 *
 * @param connectionId the segment after {@code /proxy/}, before any {@code /} or {@code ?}
 * @param rest what follows {@code /proxy/{connectionId}/}, query included; empty when nothing does
 */
record ProxyTarget(String connectionId, String rest) {
  static final String PREFIX = "/proxy/";

  static ProxyTarget of(String uri) {
    String target = originForm(uri);
    String rest = target.startsWith(PREFIX) ? target.substring(PREFIX.length()) : "";
    int slash = rest.indexOf('/');
    String connectionId = slash < 0 ? rest : rest.substring(0, slash);
    int query = connectionId.indexOf('?');
    if (query >= 0) {
      connectionId = connectionId.substring(0, query);
    }
    return new ProxyTarget(connectionId, slash < 0 ? "" : rest.substring(slash + 1));
  }

  /**
   * The request target in origin form: an absolute-form target ({@code GET http://host/proxy/…})
   * loses its scheme and authority, so the upstream host can only come from the connection.
   */
  static String originForm(String uri) {
    int scheme = uri.indexOf("://");
    if (uri.startsWith("/") || scheme < 0) {
      return uri;
    }
    int path = uri.indexOf('/', scheme + 3);
    return path < 0 ? "/" : uri.substring(path);
  }
}
