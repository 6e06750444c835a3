package io.dynagate.proxy;

import io.dynagate.config.DynagateConfig;
import io.dynagate.problem.GatewayProblem;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Step 2: which connection and which path. The path is checked before any store is asked; a caller
 * without a grant gets exactly the answer an unknown connection gets.
 */
@ApplicationScoped
class ResolveStep {
  static final String PREFIX = "/proxy/";

  private final PathPolicy paths;
  private final AccessLookup lookup;

  ResolveStep(DynagateConfig config, AccessLookup lookup) {
    this.paths = new PathPolicy(config.proxy().allowedPrefixes());
    this.lookup = lookup;
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

  Uni<ProxyExchange> apply(ProxyExchange x) {
    String uri = originForm(x.rc.request().uri());
    String rest = uri.startsWith(PREFIX) ? uri.substring(PREFIX.length()) : "";
    int slash = rest.indexOf('/');
    String connectionId = slash < 0 ? rest : rest.substring(0, slash);
    int query = connectionId.indexOf('?');
    if (query >= 0) {
      connectionId = connectionId.substring(0, query);
    }
    if (!AccessLookup.plausibleId(connectionId)) {
      return Uni.createFrom().failure(GatewayProblem.connectionNotFound());
    }
    x.connectionId = connectionId;
    x.path = paths.check(slash < 0 ? "" : rest.substring(slash + 1));
    return lookup
        .grants(connectionId, x.principals)
        .chain(
            held -> {
              if (held.isEmpty()) {
                x.decision = "denied:no_grant";
                return Uni.createFrom().failure(GatewayProblem.connectionNotFound());
              }
              x.grants = held;
              return lookup.connection(x.connectionId);
            })
        .map(
            connection -> {
              x.connection = connection.orElseThrow(GatewayProblem::connectionNotFound);
              return x;
            });
  }
}
