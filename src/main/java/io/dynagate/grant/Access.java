package io.dynagate.grant;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Access levels: read = GET/HEAD; write = read + POST/PATCH/PUT; full = write + DELETE. */
public enum Access {
  READ(Set.of("GET", "HEAD")),
  WRITE(Set.of("GET", "HEAD", "POST", "PATCH", "PUT")),
  FULL(Set.of("GET", "HEAD", "POST", "PATCH", "PUT", "DELETE"));

  private final Set<String> methods;

  Access(Set<String> methods) {
    this.methods = methods;
  }

  public boolean allows(String method) {
    return methods.contains(method.toUpperCase(Locale.ROOT));
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Access> fromWire(String value) {
    for (Access a : values()) {
      if (a.wire().equals(value)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
