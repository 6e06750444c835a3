package io.dynagate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gateway settings (contract section 1). Property form {@code dynagate.*}, env {@code DYNAGATE_*}.
 */
@ConfigMapping(prefix = "dynagate")
public interface DynagateConfig {

  /** Bootstrap admin API key (principal {@code bootstrap-admin}, roles admin and caller). */
  Optional<String> adminKey();

  /**
   * Encryption keys as {@code kid:base64(32 bytes)[,kid:key…]}; the first encrypts, all decrypt.
   * Required in production.
   */
  Optional<String> encryptionKeys();

  /**
   * External base URL(s) of the gateway, comma-separated: the first is the OAuth redirect URI's
   * base; rewritten links use the one whose host the request's {@code Host} names, else the first.
   */
  @WithDefault("http://localhost:8080")
  List<String> publicBaseUrl();

  /** Host patterns a connection's {@code orgUrl} may use. */
  @WithDefault(
      "*.dynamics.com,*.dynamics.us,*.microsoftdynamics.de,*.dynamics.cn,*.crm.microsoftdynamics.us")
  List<String> upstreamAllowedHosts();

  /** Host patterns a connection's token and authorize URLs may use. */
  @WithDefault(
      "login.microsoftonline.com,login.microsoftonline.us,login.chinacloudapi.cn,"
          + "login.partner.microsoftonline.cn")
  List<String> identityAllowedHosts();

  /** Allow {@code http://} upstream and identity URLs (tests, sandbox only). */
  @WithDefault("false")
  boolean allowInsecureHttp();

  /** Access-token handling. */
  Token token();

  /** The proxy path. */
  Proxy proxy();

  /** Bearer JWT callers. */
  Jwt jwt();

  /** PostgreSQL as seen by the request path: timeouts and how long to decide without it. */
  Store store();

  /**
   * Settings of {@code dynagate.store.*}. Every PostgreSQL call is bounded: opening a connection,
   * waiting for a pooled one, and a statement (no byte from the server for this long closes the
   * connection). While PostgreSQL is unreachable the proxy keeps deciding from the last known API
   * keys, grants and connections for at most {@link #maxStaleness()}.
   */
  interface Store {
    /** TCP connect (and PostgreSQL start-up) bound for a new connection. */
    @WithDefault("PT2S")
    Duration connectTimeout();

    /** How long a call waits for a pooled connection when all are busy. */
    @WithDefault("PT2S")
    Duration acquireTimeout();

    /** A statement (or any wait for the server) longer than this fails and closes the link. */
    @WithDefault("PT5S")
    Duration queryTimeout();

    /**
     * How long the last known keys, grants and connections keep deciding while PostgreSQL is
     * unreachable, counted from when each was last read; 0 = fail closed at once (503).
     */
    @WithDefault("PT5M")
    Duration maxStaleness();
  }

  /** The connection level: what a caller may do before its request reaches a route. */
  Http http();

  /**
   * Settings of {@code dynagate.http.*} (package {@code io.dynagate.http}). Sizes of the request
   * line and headers are Quarkus's own ({@code quarkus.http.limits.max-initial-line-length}, {@code
   * max-header-size} in application.properties).
   */
  interface Http {
    /**
     * Time a connection has to deliver a complete request line and headers: from its opening for
     * the first request, from the first byte of each later one on a kept-alive connection. A late
     * head gets 408 and the connection closes. Bodies and responses are not bounded by it (the
     * proxy's own idle bounds apply there). 10 s is far above what a real client needs for at most
     * 20 KiB of head — one or two round trips, or a few retransmissions on a lossy link — and low
     * enough that a caller dribbling header bytes holds a connection for seconds, not for the 30
     * minutes of {@code quarkus.http.idle-timeout}.
     */
    @WithDefault("PT10S")
    Duration headerTimeout();

    /**
     * Client-caused faults (callers that leave or reset, malformed requests, late heads) log one
     * WARN line per kind at most this often, with the number of those left out since; every one
     * also logs at DEBUG.
     */
    @WithDefault("PT60S")
    Duration clientFaultLogInterval();
  }

  /**
   * Settings of {@code dynagate.jwt.*} (contract section 2). The issuer and audience feed Quarkus
   * OIDC ({@code quarkus.oidc.*} in application.properties), which checks signature, expiry, issuer
   * and audience; the claims below are read by {@code JwtIdentityAugmentor}.
   */
  interface Jwt {
    /**
     * Issuer URL: the tokens' {@code iss} and the base of OIDC discovery (Keycloak realm URL,
     * {@code https://login.microsoftonline.com/<tenant>/v2.0}, the Kubernetes service-account
     * issuer). Unset: bearer tokens are refused and only API keys work.
     */
    Optional<String> issuer();

    /** Audience ({@code aud}) every token must carry; required when an issuer is set. */
    Optional<List<String>> audience();

    /** Claim naming the caller (its principal for grants). */
    @WithDefault("sub")
    String principalClaim();

    /** Claim listing the caller's groups; each value {@code v} adds principal {@code group:v}. */
    @WithDefault("groups")
    String groupsClaim();

    /** A group whose members also get role {@code admin}; unset: no JWT caller is admin. */
    Optional<String> adminGroup();
  }

  /** Settings of {@code dynagate.token.*}. */
  interface Token {
    /** Refresh when less than this remains and the IdP sent no {@code refresh_in}. */
    @WithDefault("PT5M")
    Duration refreshAhead();

    /** A cached token is not handed out when less than this remains (clock skew, transit). */
    @WithDefault("PT30S")
    Duration minRemaining();

    /** Time limit of one request to a token endpoint. */
    @WithDefault("PT10S")
    Duration requestTimeout();

    /** Lease of the fleet-wide per-connection token lock. */
    @WithDefault("PT15S")
    Duration lockLease();

    /** How long a caller waits for a token (its own fetch or another replica's). */
    @WithDefault("PT20S")
    Duration waitLimit();

    /** First wait after a transient token-endpoint failure; doubles per failure. */
    @WithDefault("PT1S")
    Duration backoffBase();

    /** Longest wait between token-endpoint attempts after transient failures. */
    @WithDefault("PT60S")
    Duration backoffMax();

    /** Retry-After sent with {@code token_unavailable}. */
    @WithDefault("PT5S")
    Duration retryAfter();
  }

  /** Settings of {@code dynagate.proxy.*}. */
  interface Proxy {
    /** Path prefixes (after {@code /proxy/{id}/}) that may be forwarded. */
    @WithDefault("api/data/")
    List<String> allowedPrefixes();

    /** Largest request body forwarded; larger ones get 413 {@code payload_too_large}. */
    @WithDefault("134217728")
    long maxRequestBytes();

    /**
     * Bodies up to this size (with a Content-Length) are held in memory so the request can be
     * replayed once after an upstream 401; larger or chunked bodies stream and are not replayed.
     */
    @WithDefault("65536")
    long replayBufferBytes();

    /** Largest {@code $batch} body read for part-by-part checks; larger ones get 413. */
    @WithDefault("16777216")
    long maxBatchBytes();

    /** Connect timeout towards Dataverse. */
    @WithDefault("PT5S")
    Duration connectTimeout();

    /** Upstream idle timeout: no byte from Dataverse for this long gives 504. */
    @WithDefault("PT120S")
    Duration upstreamTimeout();

    /** Connection pool size per Dataverse org (origin). */
    @WithDefault("32")
    int maxConnectionsPerOrg();

    /** How long connection and grant lookups are cached in process. */
    @WithDefault("PT1S")
    Duration registryCacheTtl();
  }

  // --- Connection health and state-change events (package io.dynagate.health) ---

  /** The connection health probe, per-connection gauges and state-change events. */
  Health health();

  /** Where state-change events go besides the log and the metrics. */
  Events events();

  /**
   * Settings of {@code dynagate.health.*}: every connection with a usable token is probed with
   * {@code WhoAmI} once per interval fleet-wide (a Redis lease per connection).
   */
  interface Health {
    /**
     * Probe, state gauges and state-change events on ({@code true}) or off; also off when {@link
     * #probeInterval()} is zero.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * How often each connection is probed across the fleet, and how often each replica refreshes
     * its gauges; the first round and each connection's turn are jittered within it.
     */
    @WithDefault("PT60S")
    Duration probeInterval();

    /**
     * Consecutive {@code error} probes (5xx, unreachable, timeout) after which a connection is
     * {@code unhealthy}; one {@code rejected} probe (401/403) is enough.
     */
    @WithDefault("2")
    int unhealthyAfter();
  }

  /**
   * Settings of {@code dynagate.events.*}. Webhooks are a map by name: {@code
   * dynagate.events.webhooks.<name>.url} and {@code .secret}, from the environment {@code
   * DYNAGATE_EVENTS_WEBHOOKS__<NAME>__URL} and {@code DYNAGATE_EVENTS_WEBHOOKS__<NAME>__SECRET}.
   */
  interface Events {
    /** Webhooks each state change is POSTed to, by a name of your choice. */
    Map<String, Webhook> webhooks();

    /** Delivery attempts per event and webhook, the first included. */
    @WithDefault("6")
    int maxAttempts();

    /** Wait before the first retry; doubles per attempt up to {@link #maxBackoff()}. */
    @WithDefault("PT1S")
    Duration initialBackoff();

    /** Longest wait between two attempts. */
    @WithDefault("PT1M")
    Duration maxBackoff();
  }

  /** One webhook receiver. */
  interface Webhook {
    /** The receiver's URL; https unless {@code dynagate.allow-insecure-http}. */
    String url();

    /** Key of the {@code X-Dynagate-Signature} HMAC-SHA256; never logged, never sent. */
    String secret();
  }

  // --- Declarative provisioning and the admin API switch (packages io.dynagate.provisioning,
  // io.dynagate.access): README "Declarative provisioning".

  /** Declarative provisioning of connections, grants and API-key hashes from a file at start. */
  Provisioning provisioning();

  /** Settings of {@code dynagate.provisioning.*}. */
  interface Provisioning {
    /**
     * Path of a YAML or JSON file (a name ending in {@code .json} is read as JSON) applied at every
     * start: connections, their grants and API-key hashes. Unset: nothing is provisioned.
     */
    Optional<String> file();

    /**
     * When true, grants on a connection of the file that the file does not list are deleted, and
     * keys registered by provisioning that the file no longer lists are revoked. Keys issued
     * through the admin API and connections missing from the file are never touched.
     */
    @WithDefault("false")
    boolean prune();
  }

  /** The admin API. */
  Admin admin();

  /** Settings of {@code dynagate.admin.*}. */
  interface Admin {
    /**
     * Serve the admin API ({@code /admin/v1/…}) and the OAuth callback. False (a sidecar whose
     * registry comes from the provisioning file): those paths answer 404 {@code not_found} before
     * any authentication, as an unknown path does.
     */
    @WithDefault("true")
    boolean enabled();
  }
}
