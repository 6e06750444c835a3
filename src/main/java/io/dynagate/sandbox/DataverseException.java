package io.dynagate.sandbox;

import io.vertx.core.json.JsonObject;

/**
 * A Dataverse Web API error: status plus {@code {"error":{"code":"0x…","message":"…"}}}. Thrown
 * inside the emulated Web API and turned into a response at its edge; it carries no stack trace.
 */
final class DataverseException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Unknown entity set or segment (Microsoft's troubleshooting page shows 0x8006088a). */
  static final String RESOURCE_NOT_FOUND = "0x8006088a";

  /** URI syntax the OData parser rejects. */
  static final String QUERY_SYNTAX = "0x80060888";

  /** Unknown property name in a query (Dataverse answers with code 0x0). */
  static final String PROPERTY_NOT_FOUND = "0x0";

  static final String RECORD_NOT_FOUND = "0x80040217";
  static final String CONCURRENCY_MISMATCH = "0x80060882";
  static final String DUPLICATE_KEY = "0x80040237";
  static final String BAD_PAYLOAD = "0x80048d19";
  static final String ACCESS_TOKEN_EXPIRED = "0x8005f101";
  static final String THROTTLED = "0x80072322";

  /**
   * The calling user (an application user whose app registration was removed from the environment
   * or that was disabled) may not use the environment, status 403.
   */
  static final String USER_DISABLED = "0x80040225";

  /** Dataverse's generic server-side failure ("An unexpected error occurred."), status 500. */
  static final String UNEXPECTED = "0x80040216";

  private final int status;
  private final String code;

  DataverseException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  JsonObject toJson() {
    return body(code, getMessage());
  }

  static JsonObject body(String code, String message) {
    return new JsonObject()
        .put("error", new JsonObject().put("code", code).put("message", message));
  }

  static DataverseException segmentNotFound(String segment) {
    return new DataverseException(
        404, RESOURCE_NOT_FOUND, "Resource not found for the segment '" + segment + "'.");
  }

  static DataverseException noResource(String uri) {
    return new DataverseException(
        404, "", "No HTTP resource was found that matches the request URI '" + uri + "'.");
  }

  static DataverseException propertyNotFound(String property, EntityType type) {
    return new DataverseException(
        400,
        PROPERTY_NOT_FOUND,
        "Could not find a property named '"
            + property
            + "' on type 'Microsoft.Dynamics.CRM."
            + type.logicalName()
            + "'.");
  }

  static DataverseException syntax(String message) {
    return new DataverseException(400, QUERY_SYNTAX, message);
  }

  static DataverseException recordNotFound(EntityType type, Object id) {
    return new DataverseException(
        404,
        RECORD_NOT_FOUND,
        "Entity '" + type.logicalName() + "' With Id = " + id + " Does Not Exist");
  }

  static DataverseException versionMismatch() {
    return new DataverseException(
        412,
        CONCURRENCY_MISMATCH,
        "The version of the existing record doesn't match the RowVersion property provided.");
  }

  static DataverseException duplicate() {
    return new DataverseException(
        412, DUPLICATE_KEY, "A record with matching key values already exists.");
  }

  static DataverseException payload(EntityType type, String detail) {
    return new DataverseException(
        400,
        BAD_PAYLOAD,
        "Error identified in Payload provided by the user for Entity :'"
            + (type == null ? "" : type.setName())
            + "', For more information on this error please follow this help link"
            + " https://go.microsoft.com/fwlink/?linkid=2195293  ----> InnerException :"
            + " Microsoft.OData.ODataException: "
            + detail);
  }

  static DataverseException methodNotAllowed(String method) {
    return new DataverseException(
        405, QUERY_SYNTAX, "The HTTP method '" + method + "' is not allowed for this resource.");
  }

  static DataverseException notInBatch(String method) {
    return new DataverseException(
        405, QUERY_SYNTAX, "The HTTP method '" + method + "' is not allowed in a $batch request.");
  }

  static DataverseException notEmulated(String what) {
    return new DataverseException(501, QUERY_SYNTAX, "The sandbox does not emulate " + what + ".");
  }
}
