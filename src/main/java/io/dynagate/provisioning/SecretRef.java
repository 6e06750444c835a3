package io.dynagate.provisioning;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.dynagate.problem.FieldError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where a secret of the provisioning file comes from: {@code {env: NAME}}, {@code {file: PATH}}, or
 * (only where a value is not secret, such as a key hash) a literal string. {@link #toString()}
 * names the reference, never a value.
 */
@JsonDeserialize(using = SecretRef.Reader.class)
sealed interface SecretRef {
  /** Longest file a reference may name: a secret, not a document. */
  int MAX_FILE_BYTES = 64 * 1024;

  /** A value written into the file itself. */
  record Literal(String value) implements SecretRef {
    @Override
    public String toString() {
      return "a literal value";
    }
  }

  /** {@code {env: NAME}}: the value of an environment variable. */
  record Env(String name) implements SecretRef {
    @Override
    public String toString() {
      return "environment variable " + name;
    }
  }

  /** {@code {file: PATH}}: a file's content without its trailing newline. */
  record File(String path) implements SecretRef {
    @Override
    public String toString() {
      return "file " + path;
    }
  }

  /**
   * The value, or empty with an error added under {@code field}. An error names the reference
   * (variable name, path), never what it holds.
   *
   * @param literalAllowed whether a {@link Literal} is accepted (not for secrets)
   * @param env the environment (System::getenv outside tests)
   */
  default Optional<String> resolve(
      String field, boolean literalAllowed, UnaryOperator<String> env, List<FieldError> errors) {
    if (this instanceof Literal literal) {
      if (literalAllowed) {
        return Optional.of(literal.value());
      }
      errors.add(
          new FieldError(
              field,
              "is a secret: give it as {env: NAME} or {file: PATH}, a literal value is refused"));
      return Optional.empty();
    }
    if (this instanceof Env ref) {
      String value = env.apply(ref.name());
      if (value == null) {
        errors.add(new FieldError(field, "environment variable " + ref.name() + " is not set"));
        return Optional.empty();
      }
      return Optional.of(value);
    }
    File ref = (File) this;
    try {
      Path path = Path.of(ref.path());
      if (Files.size(path) > MAX_FILE_BYTES) {
        errors.add(new FieldError(field, "file " + ref.path() + " is larger than 64 KiB"));
        return Optional.empty();
      }
      return Optional.of(stripTrailingNewlines(Files.readString(path, StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      // the exception's class says why (NoSuchFileException, AccessDeniedException, a malformed
      // UTF-8 sequence); its message could quote content, so it is not used
      errors.add(
          new FieldError(
              field,
              "file " + ref.path() + " cannot be read (" + e.getClass().getSimpleName() + ")"));
      return Optional.empty();
    }
  }

  /** A Kubernetes Secret made with {@code echo} ends in a newline that is not part of it. */
  static String stripTrailingNewlines(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
      end--;
    }
    return s.substring(0, end);
  }

  /** Reads a string as a literal and {@code {env: …}} / {@code {file: …}} as references. */
  final class Reader extends JsonDeserializer<SecretRef> {
    static final String SHAPE = "must be {env: NAME} or {file: PATH}";

    @Override
    public SecretRef deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        return new Literal(p.getText());
      }
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw new Shape(p, SHAPE);
      }
      JsonNode node = ctxt.readTree(p);
      if (node.size() != 1) {
        throw new Shape(p, SHAPE);
      }
      JsonNode env = node.get("env");
      JsonNode file = node.get("file");
      if (env != null && env.isTextual() && !env.asText().isBlank()) {
        return new Env(env.asText());
      }
      if (file != null && file.isTextual() && !file.asText().isBlank()) {
        return new File(file.asText());
      }
      throw new Shape(p, SHAPE);
    }
  }

  /** A reference of the wrong shape; its message is one of ours and quotes nothing of the file. */
  final class Shape extends JsonMappingException {
    private static final long serialVersionUID = 1L;

    Shape(JsonParser p, String message) {
      super(p, message);
    }
  }
}
