package io.dynagate.problem;

/**
 * A failure of another layer (e.g. a refused credential) whose detail is a fixed text written for
 * the caller: it never echoes input, secrets or exception messages, so the problem document may
 * show it.
 */
public interface SafeDetail {
  /** The caller-facing detail. */
  String detail();

  /** The detail of a {@link SafeDetail} anywhere in the cause chain, else {@code other}. */
  static String of(Throwable failure, String other) {
    for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof SafeDetail s) {
        return s.detail();
      }
    }
    return other;
  }
}
