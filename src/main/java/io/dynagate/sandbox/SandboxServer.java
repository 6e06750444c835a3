package io.dynagate.sandbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The emulator: Entra ID's token endpoint and the Dataverse Web API on one Vert.x HTTP server of
 * its own (a different origin from the gateway), plus test knobs under {@code /_sandbox/}. Works
 * with any {@link Vertx}, with or without Quarkus.
 *
 * <ul>
 *   <li>{@code POST /{tenant}/oauth2/v2.0/token}: see {@link TokenEndpoint}
 *   <li>{@code GET|POST /{tenant}/oauth2/v2.0/authorize}: see {@link AuthorizeEndpoint}
 *   <li>{@code GET|HEAD /api/data/v9.2/}, {@code $metadata}, {@code WhoAmI}; {@code accounts},
 *       {@code contacts} (queries, {@code /$count}, CRUD by key); {@code POST $batch}: see {@link
 *       WebApi}, {@link BatchHandler} and the package documentation
 *   <li>{@code /_sandbox/…}: see {@link ControlApi}
 * </ul>
 */
public final class SandboxServer {

  /** Largest request body accepted (batches included). */
  static final long MAX_BODY_BYTES = 16L * 1024 * 1024;

  private final SandboxOptions options;
  private final Knobs knobs = new Knobs();
  private final SandboxStats stats = new SandboxStats();
  private final RequestLog requestLog = new RequestLog();
  private final TokenStore tokens = new TokenStore();
  private final GrantStore grants = new GrantStore();
  private final EntityStore store = new EntityStore();
  private final Router router;
  private volatile HttpServer http;
  private volatile String baseUrl;

  private SandboxServer(Vertx vertx, SandboxOptions options) {
    this.options = options;
    this.router = router(vertx);
  }

  /** Binds {@code options.host():options.port()} and completes with the running server. */
  public static Future<SandboxServer> start(Vertx vertx, SandboxOptions options) {
    SandboxServer server = new SandboxServer(vertx, options);
    return vertx
        .createHttpServer(new HttpServerOptions().setHost(options.host()).setPort(options.port()))
        .requestHandler(server.router)
        .listen()
        .map(
            http -> {
              server.http = http;
              server.baseUrl = "http://" + urlHost(options.host()) + ":" + http.actualPort();
              return server;
            });
  }

  private Router router(Vertx vertx) {
    WebApi api = new WebApi(store, () -> baseUrl);
    TokenEndpoint tokenEndpoint = new TokenEndpoint(vertx, options, tokens, grants, knobs, stats);
    AuthorizeEndpoint authorize = new AuthorizeEndpoint(options, grants);
    DataApiHandler dataApi =
        new DataApiHandler(
            vertx, api, new BatchHandler(api, store), tokens, knobs, stats, requestLog);
    Router r = Router.router(vertx);
    r.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    r.post("/:tenant/oauth2/v2.0/token").handler(tokenEndpoint::handle);
    r.get("/:tenant/oauth2/v2.0/authorize").handler(authorize::handle);
    r.post("/:tenant/oauth2/v2.0/authorize").handler(authorize::handle);
    r.route("/api/data/v9.2").handler(dataApi::handle);
    r.route("/api/data/v9.2/*").handler(dataApi::handle);
    new ControlApi(this).mount(r);
    return r;
  }

  private static String urlHost(String host) {
    return switch (host) {
      case "127.0.0.1", "0.0.0.0", "localhost" -> "localhost";
      default -> host.contains(":") ? "[" + host + "]" : host;
    };
  }

  /** The bound port. */
  public int port() {
    return http.actualPort();
  }

  /** {@code http://localhost:PORT}: organization URL and identity authority of the emulator. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The options the server started with. */
  public SandboxOptions options() {
    return options;
  }

  /** The test knobs (also {@code POST /_sandbox/knobs}). */
  public Knobs knobs() {
    return knobs;
  }

  /** Request counters (also {@code GET /_sandbox/stats}). */
  public SandboxStats stats() {
    return stats;
  }

  /** The last data API requests (also {@code GET /_sandbox/requests}). */
  public RequestLog requestLog() {
    return requestLog;
  }

  /**
   * Reseeds the data and clears counters, knobs, issued tokens, authorization codes, refresh tokens
   * and the request log.
   */
  public void reset() {
    store.reseed();
    stats.clear();
    knobs.clear();
    tokens.revokeAll();
    grants.clear();
    requestLog.clear();
  }

  /** Forgets every issued access token; requests bearing one get 401 from then on. */
  public void revokeTokens() {
    tokens.revokeAll();
  }

  /** Every refresh token issued so far stops working ({@code invalid_grant} from then on). */
  public void revokeRefreshTokens() {
    grants.revokeRefreshTokens();
  }

  /** Authorization codes and refresh tokens (tests move its clock). */
  GrantStore grants() {
    return grants;
  }

  /** Stops listening. */
  public Future<Void> close() {
    return http.close();
  }
}
