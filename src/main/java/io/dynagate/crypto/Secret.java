package io.dynagate.crypto;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret value (client secret, access or refresh token). {@link #toString()} never reveals it;
 * only {@link #reveal()} does, at the one place that must send it.
 */
@JsonSerialize(using = ToStringSerializer.class) // an accidental serialisation writes "***"
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** Wraps a plain value; also the JSON creator, so request bodies bind secrets as this type. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Secret of(String value) {
    return new Secret(value);
  }

  /** The plain value. Call only where the secret leaves the gateway (IdP, upstream). */
  public String reveal() {
    return value;
  }

  /** Length in characters, for validation messages that must not quote the value. */
  public int length() {
    return value.length();
  }

  public boolean isBlank() {
    return value.isBlank();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret s
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return 0; // deliberately constant: a hash would be a (weak) fingerprint of the secret
  }

  @Override
  public String toString() {
    return "***";
  }
}
