package io.dynagate.access;

/** Roles of contract section 2. */
public final class Roles {
  /** May use the admin API. */
  public static final String ADMIN = "admin";

  /** May use the proxy (subject to grants). */
  public static final String CALLER = "caller";

  /** Identity attribute naming the API key that authenticated the caller. */
  public static final String API_KEY_ID_ATTRIBUTE = "dynagate.apiKeyId";

  private Roles() {}
}
