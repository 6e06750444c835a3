package io.dynagate.fleet;

/**
 * The one place that names a connection's Redis keys: {@code dynagate:{<connectionId>}:<kind>}. The
 * braces are a Redis Cluster hash tag: every key of one connection lives in the same slot, so a
 * script or a multi-key command may touch several of them together in cluster mode too. Connection
 * ids never contain braces (they are {@code [a-z0-9-]}), so the tag is exactly the id.
 *
 * <p>Kinds in use: {@code lock} (token lock), {@code token} (cached token), {@code status} (the
 * status hash: token fields, last probe, last announced state), {@code probe} (the health probe's
 * fleet-wide lease, {@code SET NX PX <interval>}, package {@code io.dynagate.health}).
 */
public final class RedisKeys {
  private RedisKeys() {}

  /** {@code dynagate:{<connectionId>}:<kind>}. */
  public static String ofConnection(String connectionId, String kind) {
    return "dynagate:{" + connectionId + "}:" + kind;
  }
}
