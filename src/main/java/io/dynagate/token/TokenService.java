package io.dynagate.token;

import io.dynagate.config.DynagateConfig;
import io.dynagate.connection.AuthType;
import io.dynagate.connection.ConnectionChanged;
import io.dynagate.connection.ConnectionService;
import io.dynagate.connection.ResolvedConnection;
import io.dynagate.connection.StoredSecret;
import io.dynagate.crypto.DecryptionFailedException;
import io.dynagate.crypto.Secret;
import io.dynagate.crypto.SecretField;
import io.dynagate.fleet.FleetEvents;
import io.dynagate.observability.Metrics;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Hands out a connection's access token: process memory, then Redis, then the token endpoint.
 * Within a process there is one fetch in flight per connection (a memoized {@code Uni}, removed
 * when it ends and bounded by a timeout); across replicas the fetch runs under {@link TokenLock}
 * and the others wait for the winner's token in Redis instead of calling the IdP.
 */
@ApplicationScoped
public class TokenService {
  private static final Logger LOG = Logger.getLogger(TokenService.class);
  private static final Duration POLL = Duration.ofMillis(50);
  static final String DROP_EVENT = "token-drop";

  private final TokenCache cache;
  private final TokenLock lock;
  private final TokenStatusStore status;
  private final TokenEndpointClient endpoint;
  private final ConnectionService connections;
  private final Metrics metrics;
  private final FleetEvents fleet;
  private final Vertx vertx;
  private final Clock clock;
  private final DynagateConfig.Token config;
  private final Map<String, Uni<AccessToken>> inflight = new ConcurrentHashMap<>();
  private final Event<TokenStateTouched> touched;

  TokenService(
      TokenCache cache,
      TokenLock lock,
      TokenStatusStore status,
      TokenEndpointClient endpoint,
      ConnectionService connections,
      Metrics metrics,
      FleetEvents fleet,
      Vertx vertx,
      Clock clock,
      DynagateConfig config,
      Event<TokenStateTouched> touched) {
    this.cache = cache;
    this.lock = lock;
    this.status = status;
    this.endpoint = endpoint;
    this.connections = connections;
    this.metrics = metrics;
    this.fleet = fleet;
    this.vertx = vertx;
    this.clock = clock;
    this.config = config.token();
    this.touched = touched;
    fleet.on(DROP_EVENT, cache::dropLocal);
  }

  /**
   * A usable token for the connection, or a {@link GatewayProblem} saying why there is none. A
   * token past its refresh time is still handed out while one refresh runs in the background.
   */
  public Uni<AccessToken> token(ResolvedConnection c) {
    Instant now = clock.instant();
    if (c.type() == AuthType.STATIC_TOKEN) {
      return staticToken(c, now);
    }
    Optional<AccessToken> local = cache.local(c.id(), now, config.minRemaining());
    if (local.isPresent()) {
      if (!now.isBefore(local.get().refreshAt())) {
        singleFlight(c, true)
            .subscribe()
            .with(t -> {}, e -> LOG.debugf("background refresh of %s failed", c.id()));
      }
      return Uni.createFrom().item(local.get());
    }
    return singleFlight(c, false);
  }

  /**
   * Drops exactly the token that Dataverse refused (not a newer one another request already
   * obtained), so the next {@link #token} fetches a fresh one.
   */
  public Uni<Void> invalidate(ResolvedConnection c, AccessToken used) {
    return cache.dropIfSame(c.id(), used);
  }

  /**
   * A new consent: the access token from the code exchange becomes the current one (the caller
   * stored the refresh token); old copies on other replicas are dropped, back-off and errors end.
   */
  public Uni<Void> consented(ResolvedConnection c, AccessToken token) {
    Instant now = clock.instant();
    return fleet
        .publish(DROP_EVENT, c.id())
        .chain(() -> cache.put(c.id(), token, now))
        .chain(() -> status.success(c.id(), now, token.expiresAt()))
        .invoke(() -> metrics.tokenFetch(c.id(), "authorization_code", "success"))
        .invoke(() -> touched(c.id(), "consent"));
  }

  /** Records a failed consent (the IdP's error) for the status endpoint. */
  public Uni<Void> consentFailed(ResolvedConnection c, IdpError error) {
    metrics.tokenFetch(c.id(), "authorization_code", "refused");
    metrics.tokenFailure(c.id(), FailureReasons.of(error));
    return status
        .failure(c.id(), error, clock.instant(), config.backoffBase(), config.backoffMax())
        .invoke(() -> touched(c.id(), error.error()));
  }

  /** Forgets every cached token of the connection, on every replica. */
  public Uni<Void> forget(String connectionId) {
    return cache
        .drop(connectionId)
        .chain(() -> status.clear(connectionId))
        .chain(() -> fleet.publish(DROP_EVENT, connectionId))
        .invoke(() -> touched(connectionId, "tokens_dropped"));
  }

  /** Tells the state-change announcer to look again; its observers never block. */
  private void touched(String connectionId, String reason) {
    try {
      touched.fire(new TokenStateTouched(connectionId, reason));
    } catch (RuntimeException e) {
      LOG.debugf("state observer failed: %s", e.getClass().getSimpleName());
    }
  }

  void onConnectionChanged(@Observes ConnectionChanged change) {
    forget(change.connectionId())
        .subscribe()
        .with(x -> {}, e -> LOG.warnf("token cache not cleared: %s", e.getClass().getSimpleName()));
  }

  private Uni<AccessToken> singleFlight(ResolvedConnection c, boolean dueOnly) {
    Instant deadline = clock.instant().plus(config.waitLimit());
    Uni<AccessToken>[] holder = newHolder();
    Uni<AccessToken> flight =
        inflight.computeIfAbsent(
            c.id(),
            id ->
                holder[0] =
                    obtain(c, deadline, dueOnly)
                        .ifNoItem()
                        .after(config.waitLimit())
                        .failWith(this::unavailable)
                        .onTermination()
                        .invoke(() -> inflight.remove(id, holder[0]))
                        .memoize()
                        .indefinitely());
    return flight;
  }

  @SuppressWarnings("unchecked")
  private static Uni<AccessToken>[] newHolder() {
    return new Uni[1];
  }

  private Uni<AccessToken> obtain(ResolvedConnection c, Instant deadline, boolean dueOnly) {
    return shared(c, dueOnly)
        .chain(
            found ->
                found.isPresent()
                    ? Uni.createFrom().item(found.get())
                    : locked(c, deadline, dueOnly));
  }

  /** The Redis token if usable; for a refresh, only if it is not itself due. */
  private Uni<Optional<AccessToken>> shared(ResolvedConnection c, boolean dueOnly) {
    Instant now = clock.instant();
    return cache
        .shared(c.id(), now, config.minRemaining())
        .map(t -> t.filter(token -> !dueOnly || now.isBefore(token.refreshAt())));
  }

  /** Takes the fleet lock and fetches, or waits for the replica that holds it. */
  private Uni<AccessToken> locked(ResolvedConnection c, Instant deadline, boolean dueOnly) {
    String owner = TokenLock.newOwner();
    return lock.tryAcquire(c.id(), owner, config.lockLease())
        .chain(
            acquired -> {
              if (!acquired) {
                return waitForPeer(c, deadline, dueOnly);
              }
              // keep the lease while the refresh runs, so a slow IdP never lets a second replica
              // redeem the same refresh token; a dead holder's lease lapses and others take over
              long every = Math.max(100, config.lockLease().toMillis() / 3);
              long renewal =
                  vertx.setPeriodic(
                      every,
                      t ->
                          lock.renew(c.id(), owner, config.lockLease())
                              .subscribe()
                              .with(x -> {}, e -> {}));
              // a peer may have stored a token between our miss and our lock
              return shared(c, dueOnly)
                  .chain(found -> found.isPresent() ? Uni.createFrom().item(found.get()) : fetch(c))
                  .eventually(
                      () -> {
                        vertx.cancelTimer(renewal);
                        return lock.release(c.id(), owner);
                      });
            });
  }

  private Uni<AccessToken> waitForPeer(ResolvedConnection c, Instant deadline, boolean dueOnly) {
    return delay(POLL)
        .chain(() -> shared(c, dueOnly))
        .chain(
            found -> {
              if (found.isPresent()) {
                return Uni.createFrom().item(found.get());
              }
              if (clock.instant().isAfter(deadline)) {
                return Uni.createFrom().failure(unavailable());
              }
              // the holder finished without a token, or died: take over once its lease lapses
              return lock.held(c.id())
                  .chain(
                      held ->
                          held ? waitForPeer(c, deadline, dueOnly) : locked(c, deadline, dueOnly));
            });
  }

  private Uni<AccessToken> fetch(ResolvedConnection c) {
    return notBackingOff(c)
        .chain(() -> c.type() == AuthType.AUTHORIZATION_CODE ? refresh(c) : clientCredentials(c))
        .call(t -> cache.put(c.id(), t, clock.instant()))
        .call(t -> status.success(c.id(), clock.instant(), t.expiresAt()))
        .invoke(t -> metrics.tokenFetch(c.id(), c.type().wire(), "success"))
        .invoke(t -> touched(c.id(), "token_obtained"))
        .onFailure(IdpError.class)
        .call(e -> recordFailure(c, (IdpError) e))
        .onFailure(DecryptionFailedException.class)
        .invoke(e -> LOG.errorf("a stored secret of %s does not decrypt", c.id()))
        .onFailure(e -> e instanceof IdpError i && i.isInvalidGrant())
        .transform(e -> authorizationRequired())
        .onFailure(e -> !(e instanceof GatewayProblem))
        .transform(e -> unavailable(config.retryAfter()));
  }

  private Uni<AccessToken> clientCredentials(ResolvedConnection c) {
    return connections
        .secret(c.id(), SecretField.CLIENT_SECRET)
        .chain(
            secret ->
                secret.isPresent()
                    ? endpoint.clientCredentials(c, secret.get())
                    : Uni.createFrom()
                        .failure(
                            new IdpError("no_client_secret", "No client secret stored.", false)));
  }

  /**
   * Redeems the stored refresh token; the newest refresh token replaces it only if nobody wrote a
   * newer one meanwhile. A dead grant ({@code invalid_grant}) is forgotten: consent is needed.
   */
  private Uni<AccessToken> refresh(ResolvedConnection c) {
    return connections
        .refreshToken(c.id())
        .chain(
            stored -> {
              if (stored.isEmpty()) {
                return Uni.createFrom().failure(authorizationRequired());
              }
              StoredSecret redeemed = stored.get();
              return connections
                  .secret(c.id(), SecretField.CLIENT_SECRET)
                  .chain(secret -> endpoint.refresh(c, redeemed.value(), secret))
                  .call(
                      r ->
                          r.refreshToken().isPresent()
                              ? connections.rotateRefreshToken(
                                  c.id(), r.refreshToken().get(), redeemed.version())
                              : Uni.createFrom().voidItem())
                  .map(TokenResponse::accessToken)
                  .onFailure(e -> e instanceof IdpError i && i.isInvalidGrant())
                  .call(e -> connections.dropRefreshToken(c.id(), redeemed.version()));
            });
  }

  /** After transient IdP failures, waits out the capped exponential back-off. */
  private Uni<Void> notBackingOff(ResolvedConnection c) {
    return status
        .retryAt(c.id())
        .chain(
            retryAt -> {
              Instant now = clock.instant();
              if (retryAt.isPresent() && now.isBefore(retryAt.get())) {
                return Uni.createFrom().failure(unavailable(Duration.between(now, retryAt.get())));
              }
              return Uni.createFrom().voidItem();
            });
  }

  private Uni<Void> recordFailure(ResolvedConnection c, IdpError e) {
    metrics.tokenFetch(c.id(), c.type().wire(), e.isTransient() ? "unavailable" : "refused");
    metrics.tokenFailure(c.id(), FailureReasons.of(e));
    LOG.warnf("token request for %s failed: %s", c.id(), e.error());
    return status
        .failure(c.id(), e, clock.instant(), config.backoffBase(), config.backoffMax())
        .invoke(() -> touched(c.id(), e.error()));
  }

  private Uni<AccessToken> staticToken(ResolvedConnection c, Instant now) {
    Instant expiresAt = c.staticTokenExpiresAt();
    if (expiresAt != null && !now.isBefore(expiresAt)) {
      return Uni.createFrom().failure(authorizationRequired());
    }
    Optional<AccessToken> local = cache.local(c.id(), now, Duration.ZERO);
    if (local.isPresent()) {
      return Uni.createFrom().item(local.get());
    }
    return connections
        .secret(c.id(), SecretField.STATIC_TOKEN)
        .map(
            value -> {
              Secret token = value.orElseThrow(TokenService::authorizationRequired);
              Instant until = expiresAt != null ? expiresAt : Instant.MAX;
              AccessToken t = new AccessToken(token, until, until);
              cache.putLocal(c.id(), t);
              return t;
            });
  }

  private Uni<Void> delay(Duration d) {
    return Uni.createFrom()
        .emitter(e -> vertx.setTimer(Math.max(1, d.toMillis()), id -> e.complete(null)));
  }

  private GatewayProblem unavailable() {
    return unavailable(config.retryAfter());
  }

  private static GatewayProblem unavailable(Duration retryAfter) {
    return GatewayProblem.retryAfter(
        ProblemCode.TOKEN_UNAVAILABLE,
        "No access token could be obtained for this connection; retry later.",
        Math.max(1, (retryAfter.toMillis() + 999) / 1000));
  }

  static GatewayProblem authorizationRequired() {
    return GatewayProblem.of(
        ProblemCode.AUTHORIZATION_REQUIRED,
        "The connection needs a new consent or token before it can be used.");
  }
}
