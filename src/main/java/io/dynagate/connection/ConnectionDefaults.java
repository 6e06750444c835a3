package io.dynagate.connection;

import java.util.List;

/** Contract defaults for optional connection settings, applied when the connection is used. */
public final class ConnectionDefaults {
  private static final String LOGIN = "https://login.microsoftonline.com/";

  private ConnectionDefaults() {}

  public static String tokenUrl(String tenantId) {
    return LOGIN + tenantId + "/oauth2/v2.0/token";
  }

  public static String authorizeUrl(String tenantId) {
    return LOGIN + tenantId + "/oauth2/v2.0/authorize";
  }

  public static List<String> scopes(AuthType type, String orgUrl) {
    return switch (type) {
      case CLIENT_CREDENTIALS -> List.of(orgUrl + "/.default");
      case AUTHORIZATION_CODE -> List.of(orgUrl + "/user_impersonation", "offline_access");
      case STATIC_TOKEN -> List.of();
    };
  }
}
