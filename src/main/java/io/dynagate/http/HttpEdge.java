package io.dynagate.http;

import io.dynagate.config.DynagateConfig;
import io.dynagate.observability.RequestIdFilter;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.dynagate.problem.Problems;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.quarkus.vertx.http.HttpServerStart;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.ServerID;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The connection level of every port the gateway serves (proxy, admin API and OAuth callback on the
 * main port; health and metrics on the management port): RFC 9112's MUSTs about a request's framing
 * checked before any route, and the header-read deadline ({@link HeadTimeout}).
 *
 * <p><b>Why a Netty handler on the listening channel.</b> Vert.x 4.5 has no header-read timeout:
 * its idle timeout ({@code quarkus.http.idle-timeout}) only fires when <em>no</em> byte moves, so a
 * caller sending one header byte a second is never idle; {@code quarkus.http.read-timeout} bounds
 * blocking body reads only. The place for a deadline is the connection's Netty pipeline from its
 * first byte, but Quarkus owns the {@code HttpServer}: {@code HttpServerOptionsCustomizer} sees the
 * options only, and the server's {@code connectionHandler} (which Quarkus itself sets for {@code
 * quarkus.http.limits.max-connections}) cannot be reached. What can be reached is the listening
 * channel, as the {@code parent()} of any accepted connection: a handler in front of Netty's
 * acceptor there ({@link Acceptor}) puts a {@link HeadTimeout} first into every connection's
 * pipeline before Vert.x configures it. To have it in place before the first caller, the listeners
 * are armed once at start by one loopback request each ({@link #arm}); a connection that was
 * accepted before that gets its deadline from its second request on ({@link #connection}).
 */
@ApplicationScoped
public class HttpEdge {
  private static final Logger LOG = Logger.getLogger(HttpEdge.class);
  private static final AttributeKey<Boolean> ARMED = AttributeKey.valueOf("dynagate.edgeArmed");

  /** The request a listener is armed with; answered 404 like any unknown path. */
  static final String ARMING_PATH = "/q/dynagate-edge";

  private final long timeoutNanos;
  private final ClientFaults faults;
  private final Vertx vertx;
  private final Acceptor acceptor = new Acceptor();

  HttpEdge(DynagateConfig config, ClientFaults faults, Vertx vertx) {
    this.timeoutNanos = Math.max(1, config.http().headerTimeout().toNanos());
    this.faults = faults;
    this.vertx = vertx;
  }

  // after RequestIdFilter's route (same order, registered later), so problems carry the request id
  void register(
      @Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 600)
          Router router) {
    routes(router);
  }

  void registerManagement(@Observes ManagementInterface management) {
    routes(management.router());
  }

  private void routes(Router router) {
    router.route().order(Integer.MIN_VALUE).handler(this::check);
    router.route().order(Integer.MIN_VALUE).failureHandler(this::routingFailed);
  }

  /** First route of every request: the connection's deadline, then the framing rules. */
  void check(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    connection(request);
    String refusal = RequestRules.refusal(request.version(), request.headers());
    if (refusal != null) {
      refuse(rc, refusal);
      return;
    }
    rc.next();
  }

  /**
   * First failure handler of every request. Vert.x Web fails a request without a valid {@code Host}
   * (HTTP/1.1) before any route runs; by default Quarkus's error handler answers it with an ERROR
   * line and a stack trace (also in the body, in dev and test). Everything else goes on to the
   * handlers after this one.
   */
  void routingFailed(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    if (rc.response().closed()) {
      // the caller closed or reset its connection mid-request: nobody to answer, nothing of ours
      // failed (Quarkus's error handler would log an ERROR with a stack trace per such request)
      Throwable failure = rc.failure();
      faults.report(
          ClientFaults.Kind.CALLER_LEFT,
          failure == null ? "status " + rc.statusCode() : failure.getClass().getSimpleName());
      return;
    }
    if (rc.statusCode() == 400
        && rc.failure() instanceof VertxException
        && request.version() == HttpVersion.HTTP_1_1
        && request.authority() == null) {
      refuse(rc, "An HTTP/1.1 request needs one valid Host header.");
      return;
    }
    rc.next();
  }

  private void refuse(RoutingContext rc, String detail) {
    HttpServerRequest request = rc.request();
    HttpServerResponse out = rc.response();
    faults.report(ClientFaults.Kind.MALFORMED_REQUEST, detail);
    if (out.headWritten()) {
      request.connection().close();
      return;
    }
    String id = rc.get(RequestIdFilter.CONTEXT_KEY);
    if (id == null) {
      id = UUID.randomUUID().toString(); // no route ran, so no request id yet
      out.putHeader(Problems.REQUEST_ID_HEADER, id);
    }
    if (request.version() != HttpVersion.HTTP_2) {
      // the framing cannot be trusted: whatever follows on this connection is not read
      out.putHeader("Connection", "close");
      HttpConnection connection = request.connection();
      out.endHandler(v -> connection.close());
    }
    String path = request.path();
    String type =
        path != null && path.startsWith("/proxy/")
            ? Problems.proxyMediaType(request.headers().getAll("Accept"))
            : Problems.MEDIA_TYPE;
    Problems.write(out, GatewayProblem.of(ProblemCode.BAD_REQUEST, detail), id, type);
  }

  /**
   * Makes sure the request's connection and its listener carry the deadline; on HTTP/2 it stops.
   */
  private void connection(HttpServerRequest request) {
    if (!(request.connection() instanceof ConnectionBase base)) {
      return;
    }
    Channel channel = base.channel();
    Channel listener = channel.parent();
    if (listener != null && listener.attr(ARMED).setIfAbsent(Boolean.TRUE) == null) {
      listener.pipeline().addFirst(Acceptor.NAME, acceptor);
    }
    HeadTimeout clock = channel.attr(HeadTimeout.KEY).get();
    if (request.version() == HttpVersion.HTTP_2) {
      if (clock != null) {
        clock.stop();
      }
      return;
    }
    if (clock == null && channel.isActive()) {
      // accepted before its listener was armed: timed from its next request on
      clock = new HeadTimeout(timeoutNanos, faults, true);
      channel.pipeline().addFirst(HeadTimeout.NAME, clock);
      clock.watch(channel.pipeline());
    }
  }

  /**
   * Arms every HTTP listener of this Vert.x instance that is not armed yet with one loopback
   * request; runs on a worker thread after the main server is listening. The management port (and
   * an HTTPS port) that starts later is armed by its first request.
   */
  void arm(@ObservesAsync HttpServerStart started) {
    try {
      armAll();
    } catch (RuntimeException e) {
      LOG.warnf("listeners not armed at start: %s %s", e.getClass().getName(), e.getMessage());
    }
  }

  private void armAll() {
    List<ServerID> listeners = new ArrayList<>();
    Map<ServerID, HttpServerImpl> servers = ((VertxInternal) vertx).sharedHttpServers();
    synchronized (servers) {
      servers.forEach((id, server) -> listeners.add(new ServerID(server.actualPort(), id.host)));
    }
    for (ServerID listener : listeners) {
      if (listener.port > 0) { // not bound yet (Vert.x keys random ports as -n until then)
        armWithRequest(loopback(listener.host), listener.port);
      }
    }
  }

  private static String loopback(String key) {
    // Vert.x keys a random-port server as "host/n"
    String host = key == null ? null : key.split("/", 2)[0];
    if (host == null || host.isEmpty() || host.equals("0.0.0.0")) {
      return "127.0.0.1";
    }
    if (host.equals("::") || host.equals("[::]") || host.equals("0:0:0:0:0:0:0:0")) {
      return "::1";
    }
    return host;
  }

  private static void armWithRequest(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2_000);
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + ARMING_PATH + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      LOG.debugf("arming listener %s:%d", host, port);
      InputStream in = socket.getInputStream();
      byte[] sink = new byte[4096];
      while (in.read(sink) >= 0) {
        // the answer is a 404; reading it to the end lets the server close first
      }
    } catch (IOException e) {
      // a TLS-only or vanished listener: armed by its first request instead
      LOG.debugf("listener %s:%d not armed at start: %s", host, port, e.getClass().getSimpleName());
    }
  }

  /**
   * On the listening channel, in front of Netty's acceptor: each new connection gets its {@link
   * HeadTimeout} as the first handler, before Vert.x adds its own when the connection registers.
   */
  @ChannelHandler.Sharable
  final class Acceptor extends ChannelInboundHandlerAdapter {
    static final String NAME = "dynagateAcceptor";

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Channel child) {
        child.pipeline().addFirst(HeadTimeout.NAME, new HeadTimeout(timeoutNanos, faults, false));
      }
      ctx.fireChannelRead(msg);
    }
  }
}
