package io.dynagate.provisioning;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.dynagate.problem.FieldError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The provisioning file as written (README "Declarative provisioning"). Unknown fields are errors,
 * so a misspelt {@code entitySet} cannot silently grant every entity set.
 */
record ProvisioningFile(List<Connection> connections, List<ApiKey> apiKeys) {

  ProvisioningFile {
    connections = connections == null ? List.of() : connections;
    apiKeys = apiKeys == null ? List.of() : apiKeys;
  }

  /** A connection: the admin API's connection body plus its grants by principal. */
  record Connection(
      String id, String displayName, String orgUrl, Auth auth, Map<String, Grant> grants) {}

  /** The {@code auth} object; secrets are references. */
  record Auth(
      String type,
      String tenantId,
      String clientId,
      SecretRef clientSecret,
      List<String> scopes,
      String tokenUrl,
      String authorizeUrl,
      SecretRef accessToken,
      Instant expiresAt) {}

  /** The admin API's grant body. */
  record Grant(
      String access, List<String> entitySets, Boolean impersonation, List<String> privileges) {}

  /** An API key known by its hash. */
  record ApiKey(String principal, List<String> roles, SecretRef keyHash) {}

  /** Largest provisioning file read. */
  static final long MAX_BYTES = 4L * 1024 * 1024;

  /**
   * Reads and binds the file: YAML, or JSON when its name ends in {@code .json}.
   *
   * @throws ProvisioningRefused when it cannot be read, is not YAML/JSON or has unknown fields
   */
  static ProvisioningFile read(Path file) {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw ProvisioningRefused.of(file, "(file)", "is larger than 4 MiB");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw ProvisioningRefused.of(
          file, "(file)", "cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    ObjectMapper mapper = mapperFor(file);
    ProvisioningFile parsed;
    try {
      parsed = mapper.readValue(bytes, ProvisioningFile.class);
    } catch (IOException e) {
      throw ProvisioningRefused.of(file, List.of(describe(e)));
    }
    if (parsed == null) {
      throw ProvisioningRefused.of(file, "(file)", "is empty");
    }
    return parsed;
  }

  static ObjectMapper mapperFor(Path file) {
    boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    ObjectMapper mapper = json ? new JsonMapper() : new YAMLMapper();
    return mapper
        .registerModule(new JavaTimeModule())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  }

  /**
   * Where and why the file could not be bound, in our own words: Jackson's and SnakeYAML's messages
   * quote the offending input, which may be a secret pasted in by mistake.
   */
  static FieldError describe(IOException e) {
    if (e instanceof JsonMappingException m && !syntax(e)) {
      String path = path(m.getPath());
      String message;
      if (m instanceof SecretRef.Shape) {
        message = m.getOriginalMessage();
      } else if (m instanceof UnrecognizedPropertyException) {
        message = "is not a known field";
      } else if (m instanceof InvalidFormatException) {
        message = "has an invalid value";
      } else if (m instanceof MismatchedInputException) {
        message = "has the wrong type (a list, an object or a value was expected)";
      } else {
        message = "is invalid";
      }
      return new FieldError(path.isEmpty() ? "(file)" : path, message);
    }
    JsonLocation at = e instanceof JsonProcessingException p ? p.getLocation() : null;
    String where =
        at == null || at.getLineNr() < 0
            ? ""
            : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    return new FieldError("(file)", "is not valid YAML or JSON" + where);
  }

  /** A YAML or JSON syntax error, also when it surfaced while a value was being bound. */
  private static boolean syntax(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof com.fasterxml.jackson.core.JsonParseException
          || c.getClass().getName().startsWith("org.yaml.snakeyaml.")) {
        return true;
      }
    }
    return false;
  }

  /** {@code connections[0].auth.clientSecret} from Jackson's reference path. */
  static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      } else if (r.getFieldName() != null) {
        if (b.length() > 0) {
          b.append('.');
        }
        b.append(ProvisioningRefused.printable(r.getFieldName()));
      }
    }
    return b.toString();
  }
}
