package io.dynagate.provisioning;

import io.dynagate.problem.FieldError;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The provisioning file cannot be applied: each problem with its path in the file. Its message is
 * the one ERROR line the start logs; it holds no secret (messages name references, never values)
 * and it carries no stack trace, which would say nothing an operator can act on.
 */
final class ProvisioningRefused extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<FieldError> errors;

  private ProvisioningRefused(Path file, List<FieldError> errors) {
    super(line(file, errors), null, false, false);
    this.errors = List.copyOf(errors);
  }

  static ProvisioningRefused of(Path file, List<FieldError> errors) {
    return new ProvisioningRefused(file, errors);
  }

  static ProvisioningRefused of(Path file, String field, String message) {
    return new ProvisioningRefused(file, List.of(new FieldError(field, message)));
  }

  List<FieldError> errors() {
    return errors;
  }

  private static String line(Path file, List<FieldError> errors) {
    return "Provisioning file "
        + printable(file.toString())
        + " refused: "
        + errors.stream()
            .map(e -> e.field() + ": " + printable(e.message()))
            .collect(Collectors.joining("; "));
  }

  /** Keeps the message on one line whatever a map key or path holds. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(c -> b.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
    return b.toString();
  }
}
