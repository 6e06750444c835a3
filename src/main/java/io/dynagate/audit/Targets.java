package io.dynagate.audit;

/**
 * The target naming scheme of audit records (README "Audit trail"): {@code connection:<id>}, {@code
 * grant:<connectionId>/<principal>} (a connection id has no {@code /}, so the first one separates),
 * {@code apikey:<key id>} and {@code encryption-keys} for re-encryption runs.
 */
public final class Targets {
  /** Target of key-rotation runs. */
  public static final String ENCRYPTION_KEYS = "encryption-keys";

  private Targets() {}

  public static String connection(String id) {
    return "connection:" + id;
  }

  public static String grant(String connectionId, String principal) {
    return "grant:" + connectionId + "/" + principal;
  }

  public static String apiKey(String id) {
    return "apikey:" + id;
  }
}
