package io.dynagate.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits right behind Vert.x's HTTP/1.1 codec ({@value #ENCODER}), so it sees decoded requests on
 * their way in and Vert.x's responses before they are encoded: it tells {@link HeadTimeout} where
 * each exchange begins and ends, and refuses a request line whose HTTP version is not 1.0 or 1.1
 * before Vert.x sees it (Vert.x would answer {@code 501} in the caller's made-up version, e.g.
 * {@code HTTP/9.9 501}).
 *
 * <p>The version is the one check made here rather than in {@link HttpEdge}'s route: no route runs
 * for such a request. The answer is a bare {@code 505} with {@code Connection: close}: with an
 * unknown version nothing after the request line can be trusted to frame a body.
 */
final class ExchangeWatch extends ChannelDuplexHandler {
  static final String NAME = "dynagateExchangeWatch";

  /** Vert.x's name for its HTTP/1.x response encoder, the last handler of its HTTP codec. */
  static final String ENCODER = "httpEncoder";

  private final HeadTimeout clock;
  private final ClientFaults faults;

  private ChannelHandlerContext ctx;

  /** The connection was answered here and closes; nothing more goes to Vert.x. */
  private boolean refused;

  ExchangeWatch(HeadTimeout clock, ClientFaults faults) {
    this.clock = clock;
    this.faults = faults;
  }

  boolean refused() {
    return refused;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      boolean first = clock.nothingUnanswered();
      clock.headComplete();
      HttpVersion v = request.protocolVersion();
      if (request.decoderResult().isSuccess()
          && v != HttpVersion.HTTP_1_1
          && v != HttpVersion.HTTP_1_0) {
        faults.report(ClientFaults.Kind.MALFORMED_REQUEST, "unsupported HTTP version");
        if (first) {
          refuse(ctx, msg, HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED);
          return;
        }
        // answers are still being written on this connection: let Vert.x answer in turn (400, as
        // HTTP/1.1) and close
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        request.setDecoderResult(DecoderResult.failure(new UnsupportedVersion()));
      }
    }
    if (msg instanceof LastHttpContent) {
      clock.requestEnded();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean interim =
        msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    if (msg instanceof LastHttpContent && !interim) {
      clock.answered();
    }
    ctx.write(msg, promise);
  }

  /** The head deadline expired: {@code 408} (nothing else is being answered), then close. */
  void timeout() {
    refused = true;
    ctx.writeAndFlush(closing(HttpResponseStatus.REQUEST_TIMEOUT))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private void refuse(ChannelHandlerContext ctx, Object msg, HttpResponseStatus status) {
    refused = true;
    clock.stop();
    ReferenceCountUtil.release(msg);
    ctx.writeAndFlush(closing(status)).addListener(ChannelFutureListener.CLOSE);
  }

  private static FullHttpResponse closing(HttpResponseStatus status) {
    DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
    r.headers()
        .set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return r;
  }

  /** A decoder failure Vert.x answers with 400; carries no request content. */
  static final class UnsupportedVersion extends RuntimeException {
    UnsupportedVersion() {
      super("unsupported HTTP version", null, false, false);
    }
  }

  /**
   * Waits at the end of a pipeline whose HTTP codec Vert.x adds only once the first bytes (or the
   * TLS handshake) are in: on the first message through it, the codec is in place behind it (or the
   * connection speaks HTTP/2, which has no head deadline here).
   */
  static final class Placer extends ChannelInboundHandlerAdapter {
    static final String NAME = "dynagateExchangeWatchPlacer";
    private final HeadTimeout clock;

    Placer(HeadTimeout clock) {
      this.clock = clock;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (ctx.pipeline().get(ENCODER) != null) {
        clock.watch(ctx.pipeline());
      } else {
        clock.stop(); // HTTP/2: no request heads of the HTTP/1.1 kind to time
      }
      ctx.pipeline().remove(this);
      ctx.fireChannelRead(msg);
    }
  }
}
