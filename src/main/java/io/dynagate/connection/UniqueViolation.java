package io.dynagate.connection;

/** Recognises a PostgreSQL unique-key violation (SQLSTATE 23505) however it is wrapped. */
public final class UniqueViolation {
  private UniqueViolation() {}

  public static boolean matches(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState())) {
        return true;
      }
      if (c instanceof org.hibernate.exception.ConstraintViolationException cv
          && "23505".equals(cv.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
