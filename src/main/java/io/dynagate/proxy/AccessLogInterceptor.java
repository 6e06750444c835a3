package io.dynagate.proxy;

import io.dynagate.grant.Privilege;
import io.dynagate.observability.Metrics;
import io.dynagate.problem.ProblemCode;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.logging.Level;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Logger;

/**
 * Outermost: once the request is over (answered, refused, or cut off), one access line (logger
 * {@code io.dynagate.access}) and one timer sample carry the status the caller received, the
 * decision, how the answer ended and the durations. Never a token, key, query string or body. In
 * JSON logs (production) the same facts are members of the line's {@code mdc} object.
 */
@ApplicationScoped
class AccessLogInterceptor implements ProxyInterceptor {
  private static final Logger ACCESS = Logger.getLogger("io.dynagate.access");
  private static final String FQCN = AccessLogInterceptor.class.getName();

  private final Metrics metrics;

  AccessLogInterceptor(Metrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public Uni<Void> onRequest(ProxyExchange x) {
    x.onDone = this::record;
    return PASS;
  }

  private void record(ProxyExchange x) {
    long now = System.nanoTime();
    long totalNanos = now - x.startNanos;
    long upstreamMs = x.upstreamStartNanos == 0 ? 0 : (now - x.upstreamStartNanos) / 1_000_000;
    // tags only from bounded sets: resolved connections and the usual methods
    metrics.proxyRequest(
        x.connection == null ? "-" : x.connection.id(), methodTag(x.method), x.status, totalNanos);
    if (!ACCESS.isLoggable(Level.INFO)) {
      return;
    }
    AccessLine line = new AccessLine();
    line.add("requestId", x.requestId)
        .add("principal", x.principal)
        .add("connection", x.connectionId)
        .add("method", x.method)
        .add("entitySet", x.entitySet())
        .add("status", Integer.toString(x.status))
        .add("decision", decision(x))
        .add("grant", joined(x.allowedBy))
        .add("privileges", privileges(x))
        .add("retried", Boolean.toString(x.retried))
        .add("end", x.end == null ? "-" : x.end.tag)
        .add("totalMs", Long.toString(totalNanos / 1_000_000))
        .add("tokenMs", Long.toString(x.tokenNanos / 1_000_000))
        .add("upstreamMs", Long.toString(upstreamMs));
    ACCESS.logRaw(line.record());
  }

  /**
   * One access line: the message {@code proxy key=value …} for text logs, and the same facts as
   * members of the record's MDC, which the JSON formatter (production) writes as its {@code mdc}
   * object. Written to the record itself (on top of the context's MDC, e.g. a trace id), so the
   * request's MDC is neither changed nor left with these keys.
   */
  private static final class AccessLine {
    private final StringBuilder message = new StringBuilder(256).append("proxy");
    private final ExtLogRecord record = new ExtLogRecord(Level.INFO, null, FQCN);

    AccessLine add(String key, String value) {
      String v = value == null ? "-" : value;
      message.append(' ').append(key).append('=').append(v);
      record.putMdc(key, v);
      return this;
    }

    ExtLogRecord record() {
      record.setMessage(message.toString());
      record.setLoggerName(ACCESS.getName());
      return record;
    }
  }

  private static String privileges(ProxyExchange x) {
    if (x.privileges.isEmpty()) {
      return "-";
    }
    StringBuilder out = new StringBuilder();
    for (Privilege p : x.privileges) {
      out.append(out.length() == 0 ? "" : ",").append(p.wire());
    }
    return out.toString();
  }

  /** The authorization decision, or what ended an allowed request early. */
  static String decision(ProxyExchange x) {
    if (x.problem != null && (x.decision.equals("-") || x.decision.equals("allowed"))) {
      return x.problem.code() == ProblemCode.THROTTLED
          ? "throttled"
          : "error:" + x.problem.code().code();
    }
    return x.decision;
  }

  private static String joined(Iterable<String> values) {
    StringBuilder out = new StringBuilder();
    for (String v : values) {
      out.append(out.length() == 0 ? "" : ",").append(v);
    }
    return out.length() == 0 ? "-" : out.toString();
  }

  private static String methodTag(String method) {
    return switch (method) {
      case "GET", "HEAD", "POST", "PATCH", "PUT", "DELETE", "OPTIONS" -> method;
      default -> "OTHER";
    };
  }
}
