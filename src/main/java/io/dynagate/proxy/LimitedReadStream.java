package io.dynagate.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Passes a request body through unchanged (with back-pressure) and fails with {@link
 * PayloadTooLarge} once more than {@code limit} bytes arrived, for bodies without a Content-Length.
 */
final class LimitedReadStream implements ReadStream<Buffer> {
  private final ReadStream<Buffer> source;
  private final long limit;
  private long seen;
  private boolean failed;
  private Handler<Throwable> exceptionHandler;

  LimitedReadStream(ReadStream<Buffer> source, long limit) {
    this.source = source;
    this.limit = limit;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    source.exceptionHandler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    if (handler == null) {
      source.handler(null);
      return this;
    }
    source.handler(
        buffer -> {
          if (failed) {
            return;
          }
          seen += buffer.length();
          if (seen > limit) {
            failed = true;
            source.pause();
            if (exceptionHandler != null) {
              exceptionHandler.handle(new PayloadTooLarge());
            }
            return;
          }
          handler.handle(buffer);
        });
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    source.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    if (!failed) {
      source.resume();
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    if (!failed) {
      source.fetch(amount);
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    source.endHandler(endHandler);
    return this;
  }
}
