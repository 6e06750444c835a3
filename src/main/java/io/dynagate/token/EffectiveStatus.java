package io.dynagate.token;

import io.dynagate.connection.ConnectionStatus;
import java.time.Instant;

/**
 * A connection's state, from the registry's view and the status hash, in this precedence: {@code
 * authorization_required} (no consent, no token, a static token expired, a dead grant) > {@code
 * refresh_failed} (the IdP's last answer was an error) > {@code unhealthy} (the token is fine but
 * the last health probe verdict is bad) > {@code ready}. The status endpoint and the state-change
 * events both use this, so they never disagree.
 */
public final class EffectiveStatus {
  private EffectiveStatus() {}

  /** The state and fields the status endpoint shows. */
  public static ConnectionStatus of(ConnectionStatus base, TokenStatusStore.Snapshot s) {
    ConnectionStatus.LastError lastError =
        s.error() == null ? null : new ConnectionStatus.LastError(s.error(), s.description());
    TokenStatusStore.Probe p = s.probe();
    ConnectionStatus.LastProbe lastProbe =
        p == null
            ? null
            : new ConnectionStatus.LastProbe(p.outcome(), p.latencyMs(), p.status(), p.failures());
    boolean unhealthy = p != null && p.unhealthy();
    Instant probeAt = p == null ? null : p.at();
    if (!ConnectionStatus.READY.equals(base.state())) {
      // consent missing (or a dead grant): say why, if the IdP told us
      return new ConnectionStatus(
          base.state(), base.tokenExpiresAt(), s.lastRefreshAt(), lastError, probeAt, lastProbe);
    }
    if (base.tokenExpiresAt() != null) {
      // a static token: the registry knows its expiry, the IdP is not involved
      return new ConnectionStatus(
          unhealthy ? ConnectionStatus.UNHEALTHY : ConnectionStatus.READY,
          base.tokenExpiresAt(),
          null,
          null,
          probeAt,
          lastProbe);
    }
    String state =
        lastError != null
            ? ConnectionStatus.REFRESH_FAILED
            : unhealthy ? ConnectionStatus.UNHEALTHY : ConnectionStatus.READY;
    return new ConnectionStatus(
        state, s.tokenExpiresAt(), s.lastRefreshAt(), lastError, probeAt, lastProbe);
  }
}
