package io.dynagate.fleet;

/**
 * The one place that names a connection's Redis keys: {@code dynagate:{<connectionId>}:<kind>}. The
 * braces are a Redis Cluster hash tag: every key of one connection lives in the same slot, so a
 * script or a multi-key command may touch several of them together in cluster mode too. Connection
 * ids never contain braces (they are {@code [a-z0-9-]}), so the tag is exactly the id.
 */
public final class RedisKeys {
  private RedisKeys() {}

  /** {@code dynagate:{<connectionId>}:<kind>}. */
  public static String ofConnection(String connectionId, String kind) {
    return "dynagate:{" + connectionId + "}:" + kind;
  }
}
