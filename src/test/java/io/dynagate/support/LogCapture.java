package io.dynagate.support;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.text.MessageFormat;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects every log record of the running application (message, parameters and stack traces) so a
 * test can search it for secrets.
 */
public final class LogCapture extends Handler {
  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

  /** Attaches a new capture to the root logger. */
  public static LogCapture install() {
    LogCapture capture = new LogCapture();
    capture.setLevel(Level.ALL);
    Logger.getLogger("").addHandler(capture);
    // the access logger has its own (asynchronous) handler and does not reach the root's
    Logger.getLogger(ACCESS).addHandler(capture);
    return capture;
  }

  private static final String ACCESS = "io.dynagate.access";

  public void uninstall() {
    Logger.getLogger("").removeHandler(this);
    Logger.getLogger(ACCESS).removeHandler(this);
  }

  @Override
  public void publish(LogRecord record) {
    String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
    if (logger.startsWith("org.apache.http") || logger.startsWith("io.restassured")) {
      return; // the test's own HTTP client shares the JVM; it logs what the test sends
    }
    StringBuilder line = new StringBuilder();
    line.append(record.getLevel()).append(' ').append(record.getLoggerName()).append(' ');
    String message = record.getMessage();
    Object[] params = record.getParameters();
    line.append(message);
    if (params != null && params.length > 0) {
      line.append(" params=").append(Arrays.toString(params));
      try {
        line.append(" formatted=").append(MessageFormat.format(message, params));
      } catch (IllegalArgumentException e) {
        // not a MessageFormat pattern; the raw parameters above are enough to search
      }
    }
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      line.append('\n').append(trace);
    }
    lines.add(line.toString());
  }

  /** Everything captured so far, one record per line. */
  public String text() {
    return String.join("\n", lines);
  }

  public int size() {
    return lines.size();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
