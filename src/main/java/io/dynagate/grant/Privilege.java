package io.dynagate.grant;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Grant permissions for Dataverse's privileged request headers (contract section 3). The
 * connection's application user often holds the matching Dataverse privileges, so without these a
 * grant that may write could switch off the tenant's business logic or flows.
 */
public enum Privilege {
  /**
   * {@code MSCRM.BypassBusinessLogicExecution}, {@code MSCRM.BypassBusinessLogicExecutionStepIds},
   * {@code MSCRM.BypassCustomPluginExecution}: plug-ins and custom logic do not run.
   */
  BYPASS_BUSINESS_LOGIC(
      "bypassBusinessLogic",
      Set.of(
          "mscrm.bypassbusinesslogicexecution",
          "mscrm.bypassbusinesslogicexecutionstepids",
          "mscrm.bypasscustompluginexecution")),
  /** {@code MSCRM.SuppressCallbackRegistrationExpanderJob}: Power Automate flows do not run. */
  SUPPRESS_FLOWS("suppressFlows", Set.of("mscrm.suppresscallbackregistrationexpanderjob"));

  private final String wire;
  private final Set<String> headers;

  Privilege(String wire, Set<String> headers) {
    this.wire = wire;
    this.headers = headers;
  }

  /** The name in a grant's {@code privileges} list. */
  public String wire() {
    return wire;
  }

  public static Optional<Privilege> fromWire(String value) {
    for (Privilege p : values()) {
      if (p.wire.equals(value)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The privilege a request header needs (name compared case-insensitively), if any. */
  public static Optional<Privilege> forHeader(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (Privilege p : values()) {
      if (p.headers.contains(lower)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
