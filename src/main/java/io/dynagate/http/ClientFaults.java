package io.dynagate.http;

import io.dynagate.config.DynagateConfig;
import io.dynagate.observability.WarnLimiter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The one place where client-caused faults are logged, so that no caller can fill the logs: every
 * fault logs at DEBUG, and at most one WARN line per {@link Kind} per {@code
 * dynagate.http.client-fault-log-interval}, saying how many were left out since the last one. Never
 * a stack trace, never request content (a fault's detail is a class name or a fixed phrase).
 *
 * <p>Server-side failures do not come here; they keep their ERROR lines.
 */
@ApplicationScoped
public class ClientFaults {
  private static final Logger LOG = Logger.getLogger(ClientFaults.class);

  /** What the client did. */
  public enum Kind {
    /** The caller closed or reset its connection before its answer was complete. */
    CALLER_LEFT,
    /** A request the gateway refused before any route ran: framing, version, Host. */
    MALFORMED_REQUEST,
    /** The request line and headers did not arrive within {@code dynagate.http.header-timeout}. */
    HEADER_TIMEOUT;

    final String tag = name().toLowerCase(Locale.ROOT);
  }

  private final Map<Kind, WarnLimiter> windows = new EnumMap<>(Kind.class);

  ClientFaults(DynagateConfig config) {
    for (Kind kind : Kind.values()) {
      windows.put(kind, new WarnLimiter(config.http().clientFaultLogInterval()));
    }
  }

  /** Records one fault; {@code detail} must not carry request content. */
  public void report(Kind kind, String detail) {
    LOG.debugf("client fault %s: %s", kind.tag, detail);
    WarnLimiter w = windows.get(kind);
    if (w.admit()) {
      LOG.warnf(
          "client fault %s: %s (%d more since the last such line; each logs at DEBUG)",
          kind.tag, detail, w.suppressed());
    }
  }
}
