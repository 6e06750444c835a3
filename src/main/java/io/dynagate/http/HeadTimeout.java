package io.dynagate.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The header-read deadline of one connection: first in its Netty pipeline, it sees every byte the
 * caller sends; {@link ExchangeWatch}, behind the HTTP codec, tells it where requests and responses
 * begin and end. A request head (request line and headers) is timed from the connection's opening
 * for the first request, and from the first byte after the previous exchange for each later one; a
 * head that is not complete within the timeout gets {@code 408} and the connection closes.
 *
 * <p>Bodies and responses are never timed here: once a head is complete the clock stops until the
 * request's body has ended and every answer on the connection has been written, so a slow upload or
 * a long download is not cut. An idle kept-alive connection (no byte since the last exchange) is
 * not timed either; {@code quarkus.http.idle-timeout} closes those.
 *
 * <p>Runs on the connection's event loop only; no field needs synchronisation.
 */
final class HeadTimeout extends ChannelInboundHandlerAdapter {
  static final String NAME = "dynagateHeadTimeout";
  static final AttributeKey<HeadTimeout> KEY = AttributeKey.valueOf("dynagate.headTimeout");

  private final long timeoutNanos;
  private final ClientFaults faults;
  private ChannelHandlerContext ctx;
  private ExchangeWatch watch;

  /** A request head is being received and the clock runs. */
  private boolean headPending;

  private long headStart;

  /** A request's head is complete and its body has not ended. */
  private boolean inRequest;

  /** Requests whose final answer has not been written completely. */
  private int unanswered;

  /** Bytes arrived after a request ended while an answer was still being written. */
  private boolean bytesWhileAnswering;

  /** HTTP/2, or the deadline already expired: nothing more to time. */
  private boolean off;

  private ScheduledFuture<?> timer;

  /**
   * @param midRequest installed on a connection whose current request's head is already complete
   *     (the connection predates the listener hook); the clock starts with its next request
   */
  HeadTimeout(long timeoutNanos, ClientFaults faults, boolean midRequest) {
    this.timeoutNanos = timeoutNanos;
    this.faults = faults;
    if (midRequest) {
      inRequest = true;
      unanswered = 1;
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    ctx.channel().attr(KEY).set(this);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // Vert.x configured the pipeline while the channel registered, before it became active
    watch(ctx.pipeline());
    startHead();
    ctx.fireChannelActive();
  }

  /**
   * Puts the {@link ExchangeWatch} behind the HTTP/1.1 codec. Where the codec is not there yet
   * (HTTP/1.1 or HTTP/2 is decided by the first bytes, TLS by its handshake), a one-shot handler at
   * the end of the pipeline waits for the first message: by then Vert.x has added the codec behind
   * it, or chosen HTTP/2.
   */
  void watch(ChannelPipeline pipeline) {
    if (pipeline.get(ExchangeWatch.NAME) != null) {
      return;
    }
    if (pipeline.get(ExchangeWatch.ENCODER) != null) {
      watch = new ExchangeWatch(this, faults);
      pipeline.addAfter(ExchangeWatch.ENCODER, ExchangeWatch.NAME, watch);
    } else if (pipeline.get(ExchangeWatch.Placer.NAME) == null) {
      pipeline.addLast(ExchangeWatch.Placer.NAME, new ExchangeWatch.Placer(this));
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!off && !headPending && !inRequest && msg instanceof ByteBuf b && b.isReadable()) {
      if (unanswered == 0) {
        startHead();
      } else {
        bytesWhileAnswering = true;
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stop();
    ctx.fireChannelInactive();
  }

  /** A request head was decoded (valid or not). */
  void headComplete() {
    headPending = false;
    inRequest = true;
    bytesWhileAnswering = false;
    unanswered++;
  }

  /** The current request's body ended. */
  void requestEnded() {
    inRequest = false;
  }

  /** A final answer was written completely. */
  void answered() {
    if (unanswered > 0) {
      unanswered--;
    }
    if (unanswered == 0 && !inRequest && bytesWhileAnswering) {
      bytesWhileAnswering = false;
      startHead();
    }
  }

  /** Whether no answer is being written: a response written now is the next on the wire. */
  boolean nothingUnanswered() {
    return unanswered == 0;
  }

  /** HTTP/2 or a closing connection: no more heads to time. */
  void stop() {
    off = true;
    headPending = false;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void startHead() {
    if (off) {
      return;
    }
    headPending = true;
    headStart = System.nanoTime();
    if (timer == null) {
      timer = ctx.executor().schedule(this::check, timeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** One timer per connection, re-scheduled for the rest of the current head's time. */
  private void check() {
    timer = null;
    if (off || !headPending || !ctx.channel().isActive()) {
      return;
    }
    long left = timeoutNanos - (System.nanoTime() - headStart);
    if (left > 0) {
      timer = ctx.executor().schedule(this::check, left, TimeUnit.NANOSECONDS);
      return;
    }
    stop();
    faults.report(
        ClientFaults.Kind.HEADER_TIMEOUT,
        "request line and headers incomplete after "
            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
            + " ms; connection closed");
    if (watch != null && !watch.refused()) {
      watch.timeout(); // 408 through the codec (and TLS, if any), then close
    } else {
      ctx.close();
    }
  }
}
