package io.dynagate.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on a free loopback port in front of a real server (PostgreSQL), which a test turns
 * into a store outage: {@link #refuse()} (nothing listens, live links are reset), {@link
 * #partition()} (links and new connections stay open but no byte passes either way, as when packets
 * vanish; bytes sent meanwhile are held and delivered on {@link #heal()}, as TCP would retransmit
 * them), {@link #heal()}.
 */
public final class TcpRelay implements AutoCloseable {
  private enum Mode {
    FORWARD,
    PARTITION,
    REFUSE
  }

  private final int targetPort;
  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final Object lock = new Object();
  private volatile Mode mode = Mode.FORWARD;
  private volatile ServerSocket listener;
  private volatile boolean closed;

  private TcpRelay(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = bind(0);
    this.port = listener.getLocalPort();
    acceptOn(listener);
  }

  /** A relay to {@code 127.0.0.1:targetPort}. */
  public static TcpRelay to(int targetPort) {
    try {
      return new TcpRelay(targetPort);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return port;
  }

  /** Connections accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  /** Connection refused from now on; every live link is reset. */
  public void refuse() {
    synchronized (lock) {
      mode = Mode.REFUSE;
      closeQuietly(listener);
      sockets.forEach(TcpRelay::reset);
      sockets.clear();
      lock.notifyAll();
    }
  }

  /** No byte passes either way from now on; connections are still accepted. */
  public void partition() {
    synchronized (lock) {
      mode = Mode.PARTITION;
    }
  }

  /** Back to forwarding (listening again after {@link #refuse()}). */
  public void heal() {
    synchronized (lock) {
      if (mode == Mode.REFUSE) {
        try {
          listener = bind(port);
        } catch (IOException e) {
          throw new IllegalStateException("cannot listen on " + port + " again", e);
        }
        acceptOn(listener);
      }
      mode = Mode.FORWARD;
      lock.notifyAll();
    }
  }

  @Override
  public void close() {
    closed = true;
    refuse();
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
    return s;
  }

  private void acceptOn(ServerSocket server) {
    daemon(
        () -> {
          while (!server.isClosed()) {
            try {
              Socket caller = server.accept();
              accepted.incrementAndGet();
              Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
              caller.setTcpNoDelay(true);
              target.setTcpNoDelay(true);
              sockets.add(caller);
              sockets.add(target);
              if (mode == Mode.REFUSE || closed) {
                reset(caller);
                reset(target);
                continue;
              }
              daemon(() -> pump(caller, target));
              daemon(() -> pump(target, caller));
            } catch (IOException e) {
              // listener closed, or the target refused: the caller's socket is dropped
            }
          }
        });
  }

  private void pump(Socket from, Socket to) {
    byte[] buf = new byte[16384];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        synchronized (lock) {
          while (mode == Mode.PARTITION) {
            lock.wait(); // held until heal(), as TCP would keep retransmitting
          }
          if (mode == Mode.REFUSE) {
            return;
          }
        }
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0); // close with RST, as a server that went away would
    } catch (IOException e) {
      // already closed
    }
    closeQuietly(s);
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (IOException e) {
      // nothing to do
    }
  }

  private static void daemon(Runnable r) {
    Thread t = new Thread(r, "tcp-relay");
    t.setDaemon(true);
    t.start();
  }
}
