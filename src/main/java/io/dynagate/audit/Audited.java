package io.dynagate.audit;

/**
 * The result of an admin change together with the audit record that describes it.
 *
 * @param target see {@link Targets}
 */
public record Audited<T>(T result, AuditAction action, String target, Changes changes) {
  public static <T> Audited<T> of(T result, AuditAction action, String target, Changes changes) {
    return new Audited<>(result, action, target, changes);
  }

  /** A call that changed nothing (an idempotent re-apply): no record is written. */
  public static <T> Audited<T> unchanged(T result) {
    return new Audited<>(result, null, null, null);
  }
}
