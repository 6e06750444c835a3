package io.dynagate.connection;

import io.dynagate.config.DynagateConfig;
import io.dynagate.config.HostPatterns;
import io.dynagate.crypto.Secret;
import io.dynagate.crypto.SecretField;
import io.dynagate.problem.FieldError;
import io.dynagate.problem.GatewayProblem;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a connection spec against the contract and the allowed hosts, collecting every field
 * error. Pure: no I/O, so it is unit-tested without Quarkus.
 */
public final class ConnectionValidator {
  static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,253}");
  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern SCOPE = Pattern.compile("[\\x21-\\x7e]{1,512}");
  private static final int MAX_SCOPES = 32;
  private static final int MAX_SECRET = 4096;
  private static final int MAX_TOKEN = 32768;
  private static final int MAX_DISPLAY_NAME = 200;
  private static final int MAX_URL = 2048;

  private final List<String> upstreamHosts;
  private final List<String> identityHosts;
  private final boolean allowHttp;

  public ConnectionValidator(
      List<String> upstreamHosts, List<String> identityHosts, boolean allowHttp) {
    this.upstreamHosts = List.copyOf(upstreamHosts);
    this.identityHosts = List.copyOf(identityHosts);
    this.allowHttp = allowHttp;
  }

  public static ConnectionValidator from(DynagateConfig config) {
    return new ConnectionValidator(
        config.upstreamAllowedHosts(), config.identityAllowedHosts(), config.allowInsecureHttp());
  }

  /**
   * Validates a spec.
   *
   * @param stored the secrets already stored for this connection and not removed by the request
   * @throws GatewayProblem {@code validation_failed} listing every invalid field
   */
  public ValidConnection validate(ConnectionSpec spec, Set<SecretField> stored) {
    List<FieldError> errors = new ArrayList<>();
    String id = spec.id();
    if (id != null && !ID.matcher(id).matches()) {
      errors.add(new FieldError("id", "must match ^[a-z0-9][a-z0-9-]{0,62}$"));
    }
    String displayName = spec.displayName();
    if (displayName != null
        && (displayName.length() > MAX_DISPLAY_NAME || hasControlChars(displayName))) {
      errors.add(new FieldError("displayName", "at most 200 characters, no control characters"));
    }
    String orgUrl = origin("orgUrl", spec.orgUrl(), upstreamHosts, errors);

    ConnectionSpec.Auth auth = spec.auth();
    if (auth == null) {
      errors.add(new FieldError("auth", "is required"));
      throw GatewayProblem.validation(errors);
    }
    Optional<AuthType> type = AuthType.fromWire(auth.type());
    if (type.isEmpty()) {
      errors.add(
          new FieldError(
              "auth.type", "must be client_credentials, authorization_code or static_token"));
      throw GatewayProblem.validation(errors);
    }
    Map<SecretField, Secret> write = new EnumMap<>(SecretField.class);
    Set<SecretField> drop = EnumSet.noneOf(SecretField.class);
    ValidConnection valid =
        type.get() == AuthType.STATIC_TOKEN
            ? staticToken(id, displayName, orgUrl, auth, stored, write, drop, errors)
            : oauth(id, displayName, orgUrl, type.get(), auth, stored, write, drop, errors);
    if (!errors.isEmpty()) {
      throw GatewayProblem.validation(errors);
    }
    return valid;
  }

  private ValidConnection staticToken(
      String id,
      String displayName,
      String orgUrl,
      ConnectionSpec.Auth auth,
      Set<SecretField> stored,
      Map<SecretField, Secret> write,
      Set<SecretField> drop,
      List<FieldError> errors) {
    notUsed("auth.tenantId", auth.tenantId(), "static_token", errors);
    notUsed("auth.clientId", auth.clientId(), "static_token", errors);
    notUsed("auth.clientSecret", auth.clientSecret(), "static_token", errors);
    notUsed("auth.scopes", auth.scopes(), "static_token", errors);
    notUsed("auth.tokenUrl", auth.tokenUrl(), "static_token", errors);
    notUsed("auth.authorizeUrl", auth.authorizeUrl(), "static_token", errors);
    secret("auth.accessToken", auth.accessToken(), MAX_TOKEN, errors)
        .ifPresent(s -> write.put(SecretField.STATIC_TOKEN, s));
    if (!write.containsKey(SecretField.STATIC_TOKEN)
        && !stored.contains(SecretField.STATIC_TOKEN)
        && auth.accessToken() == null) {
      errors.add(new FieldError("auth.accessToken", "is required for static_token"));
    }
    drop.add(SecretField.CLIENT_SECRET);
    drop.add(SecretField.REFRESH_TOKEN);
    return new ValidConnection(
        id,
        displayName,
        orgUrl,
        AuthType.STATIC_TOKEN,
        null,
        null,
        null,
        null,
        null,
        auth.expiresAt(),
        write,
        drop);
  }

  private ValidConnection oauth(
      String id,
      String displayName,
      String orgUrl,
      AuthType type,
      ConnectionSpec.Auth auth,
      Set<SecretField> stored,
      Map<SecretField, Secret> write,
      Set<SecretField> drop,
      List<FieldError> errors) {
    notUsed("auth.accessToken", auth.accessToken(), type.wire(), errors);
    notUsed("auth.expiresAt", auth.expiresAt(), type.wire(), errors);
    if (type == AuthType.CLIENT_CREDENTIALS) {
      notUsed("auth.authorizeUrl", auth.authorizeUrl(), type.wire(), errors);
    }
    String tenantId = auth.tenantId();
    if (tenantId != null && !TENANT.matcher(tenantId).matches()) {
      errors.add(new FieldError("auth.tenantId", "must be a tenant id or domain name"));
      tenantId = null;
    }
    if (auth.clientId() == null) {
      errors.add(new FieldError("auth.clientId", "is required"));
    } else if (!CLIENT_ID.matcher(auth.clientId()).matches()) {
      errors.add(new FieldError("auth.clientId", "must be an application (client) id"));
    }
    secret("auth.clientSecret", auth.clientSecret(), MAX_SECRET, errors)
        .ifPresent(s -> write.put(SecretField.CLIENT_SECRET, s));
    if (type == AuthType.CLIENT_CREDENTIALS
        && auth.clientSecret() == null
        && !stored.contains(SecretField.CLIENT_SECRET)) {
      errors.add(new FieldError("auth.clientSecret", "is required for client_credentials"));
    }
    List<String> scopes = scopes(auth.scopes(), errors);
    boolean needsTenant =
        auth.tokenUrl() == null
            || (type == AuthType.AUTHORIZATION_CODE && auth.authorizeUrl() == null);
    if (needsTenant && auth.tenantId() == null) {
      errors.add(new FieldError("auth.tenantId", "is required unless the endpoint URLs are set"));
    }
    String tokenUrl = identityUrl("auth.tokenUrl", auth.tokenUrl(), errors);
    String authorizeUrl = identityUrl("auth.authorizeUrl", auth.authorizeUrl(), errors);
    if (tenantId != null) {
      // The defaults must be allowed as well, so an operator can fence off the public cloud.
      // Only when no URL was given: an invalid explicit URL is already reported.
      if (auth.tokenUrl() == null) {
        checkIdentityHost("auth.tokenUrl", ConnectionDefaults.tokenUrl(tenantId), errors);
      }
      if (type == AuthType.AUTHORIZATION_CODE && auth.authorizeUrl() == null) {
        checkIdentityHost("auth.authorizeUrl", ConnectionDefaults.authorizeUrl(tenantId), errors);
      }
    }
    drop.add(SecretField.STATIC_TOKEN);
    if (type == AuthType.CLIENT_CREDENTIALS) {
      drop.add(SecretField.REFRESH_TOKEN);
    }
    return new ValidConnection(
        id,
        displayName,
        orgUrl,
        type,
        auth.tenantId(),
        auth.clientId(),
        scopes,
        tokenUrl,
        authorizeUrl,
        null,
        write,
        drop);
  }

  /** The valid scopes as an immutable list, or null when absent or invalid (errors added). */
  private static List<String> scopes(List<String> scopes, List<FieldError> errors) {
    if (scopes == null) {
      return null;
    }
    if (scopes.isEmpty() || scopes.size() > MAX_SCOPES) {
      errors.add(new FieldError("auth.scopes", "between 1 and 32 scopes"));
      return null;
    }
    boolean valid = true;
    for (int i = 0; i < scopes.size(); i++) {
      String s = scopes.get(i);
      if (s == null || !SCOPE.matcher(s).matches()) {
        errors.add(
            new FieldError("auth.scopes[" + i + "]", "a scope is 1-512 printable characters"));
        valid = false;
      }
    }
    // List.copyOf rejects null elements, so copy only what passed.
    return valid ? List.copyOf(scopes) : null;
  }

  private static Optional<Secret> secret(
      String field, Secret value, int max, List<FieldError> errors) {
    if (value == null) {
      return Optional.empty();
    }
    if (value.isBlank() || value.length() > max || hasControlChars(value.reveal())) {
      errors.add(
          new FieldError(field, "must be 1-" + max + " characters without control characters"));
      return Optional.empty();
    }
    return Optional.of(value);
  }

  private static void notUsed(String field, Object value, String type, List<FieldError> errors) {
    if (value != null) {
      errors.add(new FieldError(field, "is not used by " + type));
    }
  }

  private String identityUrl(String field, String value, List<FieldError> errors) {
    if (value == null) {
      return null;
    }
    URI uri = absolute(field, value, errors);
    if (uri == null) {
      return null;
    }
    if (uri.getRawFragment() != null) {
      errors.add(new FieldError(field, "must not have a fragment"));
      return null;
    }
    return checkIdentityHost(field, value, errors) ? value : null;
  }

  private boolean checkIdentityHost(String field, String url, List<FieldError> errors) {
    URI uri = URI.create(url);
    if (!HostPatterns.matchesAny(uri.getHost(), identityHosts)) {
      errors.add(new FieldError(field, "host is not an allowed identity host"));
      return false;
    }
    return true;
  }

  /** Checks an org URL and normalises it to {@code scheme://host[:port]}. */
  private String origin(String field, String value, List<String> hosts, List<FieldError> errors) {
    if (value == null) {
      errors.add(new FieldError(field, "is required"));
      return null;
    }
    URI uri = absolute(field, value, errors);
    if (uri == null) {
      return null;
    }
    String path = uri.getRawPath();
    if ((path != null && !path.isEmpty() && !path.equals("/"))
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      errors.add(new FieldError(field, "must be an origin: no path, query or fragment"));
      return null;
    }
    if (!HostPatterns.matchesAny(uri.getHost(), hosts)) {
      errors.add(new FieldError(field, "host is not an allowed Dataverse host"));
      return null;
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    return uri.getScheme().toLowerCase(Locale.ROOT)
        + "://"
        + host
        + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }

  private URI absolute(String field, String value, List<FieldError> errors) {
    if (value.length() > MAX_URL || hasControlChars(value)) {
      errors.add(new FieldError(field, "is not a valid URL"));
      return null;
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      errors.add(new FieldError(field, "is not a valid URL"));
      return null;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || uri.getHost() == null || uri.isOpaque()) {
      errors.add(new FieldError(field, "must be an absolute URL with a host"));
      return null;
    }
    if (uri.getRawUserInfo() != null) {
      errors.add(new FieldError(field, "must not contain user information"));
      return null;
    }
    if (scheme.equals("http") && !allowHttp) {
      errors.add(new FieldError(field, "must use https"));
      return null;
    }
    if (!scheme.equals("https") && !scheme.equals("http")) {
      errors.add(new FieldError(field, "must use https"));
      return null;
    }
    return uri;
  }

  private static boolean hasControlChars(String s) {
    return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
  }
}
