package io.dynagate.proxy;

import io.dynagate.grant.Privilege;
import io.dynagate.observability.Metrics;
import io.dynagate.problem.ProblemCode;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Outermost: once the request is over (answered, refused, or cut off), one access line (logger
 * {@code io.dynagate.access}) and one timer sample carry the status the caller received, the
 * decision, how the answer ended and the durations. Never a token, key, query string or body.
 */
@ApplicationScoped
class AccessLogInterceptor implements ProxyInterceptor {
  private static final Logger ACCESS = Logger.getLogger("io.dynagate.access");

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
    if (!ACCESS.isInfoEnabled()) {
      return;
    }
    StringBuilder line = new StringBuilder(256);
    line.append("proxy requestId=")
        .append(x.requestId)
        .append(" principal=")
        .append(x.principal)
        .append(" connection=")
        .append(x.connectionId)
        .append(" method=")
        .append(x.method)
        .append(" entitySet=")
        .append(x.entitySet())
        .append(" status=")
        .append(x.status)
        .append(" decision=")
        .append(decision(x))
        .append(" grant=");
    join(line, x.allowedBy);
    line.append(" privileges=");
    if (x.privileges.isEmpty()) {
      line.append('-');
    } else {
      boolean first = true;
      for (Privilege p : x.privileges) {
        line.append(first ? "" : ",").append(p.wire());
        first = false;
      }
    }
    line.append(" retried=")
        .append(x.retried)
        .append(" end=")
        .append(x.end == null ? "-" : x.end.tag)
        .append(" totalMs=")
        .append(totalNanos / 1_000_000)
        .append(" tokenMs=")
        .append(x.tokenNanos / 1_000_000)
        .append(" upstreamMs=")
        .append(upstreamMs);
    ACCESS.info(line);
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

  private static void join(StringBuilder line, Iterable<String> values) {
    boolean first = true;
    for (String v : values) {
      line.append(first ? "" : ",").append(v);
      first = false;
    }
    if (first) {
      line.append('-');
    }
  }

  private static String methodTag(String method) {
    return switch (method) {
      case "GET", "HEAD", "POST", "PATCH", "PUT", "DELETE", "OPTIONS" -> method;
      default -> "OTHER";
    };
  }
}
