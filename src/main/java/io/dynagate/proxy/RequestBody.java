package io.dynagate.proxy;

import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.ReadStream;

/**
 * The one reader of a proxied request's body. The request arrives paused; its body is either read
 * whole once (bounded), and then that buffer is what goes upstream, or streamed to Dataverse
 * unread, failing with 413 past {@code dynagate.proxy.max-request-bytes}. {@link
 * BodyLimitInterceptor} creates it after checking {@code Content-Length}, before any I/O.
 */
final class RequestBody {
  private final HttpServerRequest in;
  private final long length;
  private final boolean present;
  private final long maxBytes;
  private Buffer whole;
  private Uni<Buffer> reading;

  /**
   * @param length the declared Content-Length, -1 when absent
   * @param maxBytes the most a streamed body may carry
   */
  RequestBody(HttpServerRequest in, long length, long maxBytes) {
    this.in = in;
    this.length = length;
    this.present = length > 0 || (length < 0 && in.headers().contains("Transfer-Encoding"));
    this.maxBytes = maxBytes;
  }

  /** The request carries a body (possibly empty when chunked). */
  boolean present() {
    return present;
  }

  /** The declared Content-Length; -1 when the body is chunked or absent. */
  long declaredLength() {
    return length;
  }

  /** The body as read whole, or a replacement set by {@link #replace}; null until then. */
  Buffer buffered() {
    return whole;
  }

  /** What goes upstream instead of what was read (a {@code $batch} written anew). */
  void replace(Buffer forwarded) {
    this.whole = forwarded;
  }

  /**
   * Reads the whole body once (later calls get the same buffer), failing with 413 {@code tooLarge}
   * past {@code limit} bytes.
   */
  Uni<Buffer> whole(long limit, String tooLarge) {
    if (whole != null) {
      return Uni.createFrom().item(whole);
    }
    if (!present) {
      whole = Buffer.buffer();
      return Uni.createFrom().item(whole);
    }
    if (length > limit) {
      return Uni.createFrom().failure(GatewayProblem.of(ProblemCode.PAYLOAD_TOO_LARGE, tooLarge));
    }
    if (reading == null) {
      reading =
          Uni.createFrom()
              .<Buffer>emitter(
                  emitter -> {
                    Buffer all = Buffer.buffer(length > 0 ? (int) length : 1024);
                    in.handler(
                        chunk -> {
                          if (all.length() + chunk.length() > limit) {
                            in.pause();
                            in.handler(null);
                            emitter.fail(
                                GatewayProblem.of(ProblemCode.PAYLOAD_TOO_LARGE, tooLarge));
                            return;
                          }
                          all.appendBuffer(chunk);
                        });
                    in.exceptionHandler(emitter::fail);
                    in.endHandler(
                        v -> {
                          whole = all;
                          emitter.complete(all);
                        });
                    in.resume();
                  })
              .memoize()
              .indefinitely();
    }
    return reading;
  }

  /**
   * The unread body as a stream to Dataverse, failing with {@link PayloadTooLarge} past the max.
   */
  ReadStream<Buffer> stream() {
    return new LimitedReadStream(in, maxBytes);
  }
}
