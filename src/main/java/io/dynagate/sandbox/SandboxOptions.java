package io.dynagate.sandbox;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link SandboxServer} starts: where it listens, the one client it knows and how long the
 * access tokens it issues live.
 *
 * @param host interface to bind, {@code 127.0.0.1} normally
 * @param port port to bind; 0 picks a free one
 * @param clientId the only client id the token endpoint accepts
 * @param clientSecret that client's secret
 * @param tokenLifetime lifetime of issued access tokens
 * @param refreshIn when present, sent as {@code refresh_in} with every token
 */
public record SandboxOptions(
    String host,
    int port,
    String clientId,
    String clientSecret,
    Duration tokenLifetime,
    Optional<Duration> refreshIn) {

  /** Default client id. */
  public static final String DEFAULT_CLIENT_ID = "sandbox-client";

  /** Default client secret. */
  public static final String DEFAULT_CLIENT_SECRET = "sandbox-secret";

  /** Checks the values. */
  public SandboxOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientSecret, "clientSecret");
    Objects.requireNonNull(tokenLifetime, "tokenLifetime");
    Objects.requireNonNull(refreshIn, "refreshIn");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535");
    }
    if (tokenLifetime.isNegative() || tokenLifetime.isZero()) {
      throw new IllegalArgumentException("tokenLifetime must be positive");
    }
  }

  /** {@code 127.0.0.1}, a random port, the default client and one-hour tokens. */
  public static SandboxOptions defaults() {
    return new SandboxOptions(
        "127.0.0.1",
        0,
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        Duration.ofHours(1),
        Optional.empty());
  }

  /** A copy listening on {@code port}. */
  public SandboxOptions withPort(int port) {
    return new SandboxOptions(host, port, clientId, clientSecret, tokenLifetime, refreshIn);
  }

  /** A copy that sends {@code refresh_in} with every token. */
  public SandboxOptions withRefreshIn(Duration refreshIn) {
    return new SandboxOptions(
        host, port, clientId, clientSecret, tokenLifetime, Optional.of(refreshIn));
  }
}
