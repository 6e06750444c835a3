package io.dynagate.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A Dataverse stand-in that misbehaves on purpose: a raw {@link ServerSocket} on {@code 127.0.0.1}
 * (port 0) whose answers a test writes byte for byte — a head, part of a body, then a reset, a bare
 * FIN, a stall or a slow trickle. Every accepted connection is an {@link Exchange} that records
 * what the upstream saw: the request, the bytes it managed to write, and whether and when the
 * gateway closed the connection (a read seeing EOF or a reset, or a write failing).
 *
 * <p>Each connection runs the current {@link Script} on its own daemon thread, once per request
 * that arrives on it (keep-alive) until the script closes the socket or starts {@link
 * Exchange#watch() watching} it. {@link #close()} closes everything, so no script outlives a test.
 */
public final class ScriptedUpstream implements AutoCloseable {
  /** What the upstream does with one request on one connection. */
  @FunctionalInterface
  public interface Script {
    void play(Exchange exchange) throws IOException, InterruptedException;
  }

  private final ServerSocket server;
  private final AtomicReference<Script> script;
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();

  private ScriptedUpstream(Script script) throws IOException {
    this.script = new AtomicReference<>(script);
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
    Thread acceptor = new Thread(this::accept, "scripted-upstream-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Listens on a fresh port and answers every request with {@code script}. */
  public static ScriptedUpstream start(Script script) throws IOException {
    return new ScriptedUpstream(script);
  }

  /** Replaces the script for requests that arrive from now on. */
  public void script(Script next) {
    script.set(next);
  }

  /** {@code http://127.0.0.1:P}, for a connection's {@code orgUrl}. */
  public String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** Request heads read so far, on all connections. */
  public int requests() {
    return requests.get();
  }

  /** The accepted connections, oldest first. */
  public List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  /** Waits (bounded) until {@code n} requests have arrived; false when they did not. */
  public boolean awaitRequests(int n, Duration atMost) throws InterruptedException {
    try {
      Awaitility.await()
          .atMost(atMost)
          .pollInterval(Duration.ofMillis(5))
          .until(() -> requests.get() >= n);
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    exchanges.forEach(Exchange::closeQuietly);
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      Exchange exchange = new Exchange(socket);
      exchanges.add(exchange);
      Thread t = new Thread(exchange::serve, "scripted-upstream-" + exchanges.size());
      t.setDaemon(true);
      t.start();
    }
  }

  /** The deterministic body byte at {@code position}, so a caller can check what it received. */
  public static byte bodyByte(long position) {
    return (byte) (position * 131 + (position >>> 9) + 7);
  }

  /** {@link #bodyByte} for {@code length} positions from {@code offset}. */
  public static byte[] bodyBytes(long offset, int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = bodyByte(offset + i);
    }
    return b;
  }

  /**
   * {@code length} bytes of JSON text from {@code offset} of an endless {@code value} array of
   * plain records (no links in it): the link-rewriting path streams it like Dataverse's answers.
   */
  public static byte[] jsonBytes(long offset, int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = jsonByte(offset + i);
    }
    return b;
  }

  private static final byte[] JSON_HEAD =
      "{\"@odata.context\":\"ctx\",\"value\":[".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] JSON_RECORD =
      ("{\"name\":\"" + "x".repeat(100) + "\",\"n\":1},").getBytes(StandardCharsets.US_ASCII);

  private static byte jsonByte(long position) {
    if (position < JSON_HEAD.length) {
      return JSON_HEAD[(int) position];
    }
    return JSON_RECORD[(int) ((position - JSON_HEAD.length) % JSON_RECORD.length)];
  }

  /** How the gateway's side of an upstream connection ended, as the upstream saw it. */
  public enum PeerEnd {
    /** A read returned -1: the gateway sent FIN. */
    EOF,
    /** A read failed: the gateway reset the connection. */
    RESET,
    /** A write failed: the gateway closed or reset the connection. */
    WRITE_FAILED
  }

  /** One upstream connection: the requests read on it and what happened to it. */
  public final class Exchange {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private volatile Map<String, String> headers = Map.of();
    private volatile long bytesWritten;
    private volatile long lastWriteNanos;
    private volatile boolean selfClosed;
    private volatile boolean watching;
    private final CountDownLatch peerGone = new CountDownLatch(1);
    private volatile long peerGoneNanos;
    private volatile PeerEnd peerEnd;
    private volatile String peerDetail;
    private volatile boolean closedByTest;

    Exchange(Socket socket) {
      this.socket = socket;
      try {
        socket.setSoTimeout(0); // a script stalls on purpose; close() ends every read
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    void serve() {
      try {
        while (!socket.isClosed() && readRequest()) {
          requests.incrementAndGet();
          script.get().play(this);
          if (watching || socket.isClosed()) {
            return;
          }
        }
      } catch (IOException e) {
        seen(PeerEnd.RESET, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        peerDetail = "script failed: " + e;
      }
    }

    /** Reads one request head (and a Content-Length body); false on EOF before a request. */
    private boolean readRequest() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          if (head.size() == 0) {
            seen(PeerEnd.EOF, null);
            return false;
          }
          throw new IOException("EOF inside a request head");
        }
        head.write(b);
        matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        if (head.size() > 64 * 1024) {
          throw new IOException("request head too large");
        }
      }
      String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
      requestLines.add(lines[0]);
      Map<String, String> h = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          h.put(
              lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim());
        }
      }
      headers = h;
      String length = h.get("content-length");
      if (length != null) {
        in.readNBytes(Integer.parseInt(length));
      }
      return true;
    }

    /** The request lines read on this connection, oldest first. */
    public List<String> requestLines() {
      return List.copyOf(requestLines);
    }

    /** A header of the latest request (lower-cased name), or null. */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Writes {@code HTTP/1.1 status}, the header lines as given, and the blank line. */
    public void head(int status, String... headerLines) throws IOException {
      StringBuilder s = new StringBuilder("HTTP/1.1 ").append(status).append(" Status\r\n");
      for (String line : headerLines) {
        s.append(line).append("\r\n");
      }
      s.append("\r\n");
      raw(s.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes bytes as they are; a failed write records that the gateway is gone. */
    public void raw(byte[] bytes) throws IOException {
      try {
        out.write(bytes);
        out.flush();
        bytesWritten += bytes.length;
        lastWriteNanos = System.nanoTime();
      } catch (IOException e) {
        seen(PeerEnd.WRITE_FAILED, e);
        throw e;
      }
    }

    /** One chunk of a chunked body. */
    public void chunk(byte[] data) throws IOException {
      ByteArrayOutputStream c = new ByteArrayOutputStream(data.length + 16);
      c.writeBytes((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      c.writeBytes(data);
      c.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      raw(c.toByteArray());
    }

    /** The terminating zero-length chunk. */
    public void lastChunk() throws IOException {
      raw("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Writes {@code total} body bytes (from {@code source}, by position) in pieces of {@code
     * piece}, as chunks when {@code chunked}; stops at the first failed write and returns the
     * number of body bytes written.
     */
    public long body(Body source, long total, int piece, boolean chunked) {
      long written = 0;
      try {
        while (written < total) {
          int n = (int) Math.min(piece, total - written);
          byte[] data = source.bytes(written, n);
          if (chunked) {
            chunk(data);
          } else {
            raw(data);
          }
          written += n;
        }
      } catch (IOException e) {
        // recorded by raw(); the caller of body() reads peerEnd()
      }
      return written;
    }

    /** Resets the connection: RST instead of FIN. */
    public void reset() throws IOException {
      selfClosed = true;
      socket.setSoLinger(true, 0);
      socket.close();
    }

    /** Closes the connection normally (FIN), whatever the framing promised. */
    public void fin() throws IOException {
      selfClosed = true;
      socket.close();
    }

    /**
     * Starts reading the connection in the background so that a close by the gateway is seen even
     * while the script sends nothing; bytes that arrive meanwhile are ignored.
     */
    public void watch() {
      watching = true;
      Thread t =
          new Thread(
              () -> {
                byte[] buffer = new byte[8192];
                try {
                  while (in.read(buffer) >= 0) {
                    // the gateway sends nothing more on a connection whose answer is under way
                  }
                  seen(PeerEnd.EOF, null);
                } catch (IOException e) {
                  seen(PeerEnd.RESET, e);
                }
              },
              "scripted-upstream-watch");
      t.setDaemon(true);
      t.start();
    }

    /** Waits (bounded) until the gateway closed this connection; false when it did not. */
    public boolean awaitPeerGone(Duration atMost) throws InterruptedException {
      return peerGone.await(atMost.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Keeps the connection open and silent until the gateway closes it or {@code atMost}. */
    public void stall(Duration atMost) throws InterruptedException {
      watch();
      awaitPeerGone(atMost);
    }

    private void seen(PeerEnd end, IOException e) {
      if (selfClosed || closedByTest || peerGone.getCount() == 0) {
        return; // our own close, the test's clean-up, or already recorded
      }
      peerEnd = end;
      peerDetail = e == null ? "" : e.getClass().getSimpleName() + ": " + e.getMessage();
      peerGoneNanos = System.nanoTime();
      peerGone.countDown();
    }

    void closeQuietly() {
      closedByTest = true;
      try {
        socket.close();
      } catch (IOException e) {
        // already gone
      }
    }

    /** How the gateway's side ended, or null while it is open. */
    public PeerEnd peerEnd() {
      return peerEnd;
    }

    /** {@link System#nanoTime()} when the gateway's close was seen; 0 while open. */
    public long peerGoneNanos() {
      return peerGoneNanos;
    }

    /** Bytes written to the gateway (head and framing included). */
    public long bytesWritten() {
      return bytesWritten;
    }

    /** {@link System#nanoTime()} of the last successful write. */
    public long lastWriteNanos() {
      return lastWriteNanos;
    }

    @Override
    public String toString() {
      return "upstream connection{requests="
          + requestLines
          + ", bytesWritten="
          + bytesWritten
          + ", peerEnd="
          + (peerEnd == null ? "still open" : peerEnd + " " + peerDetail)
          + "}";
    }
  }

  /** Body bytes by position. */
  @FunctionalInterface
  public interface Body {
    byte[] bytes(long offset, int length);

    Body BINARY = ScriptedUpstream::bodyBytes;
    Body JSON = ScriptedUpstream::jsonBytes;
  }

  /** The request lines of all connections, for assertion messages. */
  public List<String> seen() {
    List<String> all = new ArrayList<>();
    exchanges.forEach(e -> all.add(e.toString()));
    return all;
  }
}
