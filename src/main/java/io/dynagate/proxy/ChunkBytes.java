package io.dynagate.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.BufferImpl;

/**
 * The bytes of one body chunk, read without copying, and the chunk rewritten from pieces of it
 * without copying them: {@link LinkRewriter}'s access to Vert.x 4 buffers.
 *
 * <p>A Vert.x 4 buffer has no public zero-copy view of its bytes other than the deprecated Netty
 * one, so this class uses {@link BufferImpl#byteBuf()} (the buffer's own {@code ByteBuf}, no
 * duplicate allocated) and falls back to the deprecated {@link Buffer#getByteBuf()} for other
 * implementations. Vert.x 5 moves both to {@code BufferInternal}; only this class then changes.
 *
 * <p>Reference counting: the buffers Vert.x hands to a body handler are unpooled heap buffers whose
 * {@code release} does nothing (pooled ones are copied first, {@code VertxHandler.safeBuffer}), and
 * a written Buffer is passed to Netty as an unreleasable view. The pieces of a composite result are
 * retained slices all the same, so that releasing the result releases exactly what it retained and
 * never the caller's chunk. The result shares memory with the chunk: the caller must not modify the
 * chunk afterwards (Vert.x does not reuse the buffers it hands out).
 *
 * <p>One instance per {@link LinkRewriter}; {@link #begin} resets it for the next chunk.
 */
final class ChunkBytes {
  private Buffer chunk;
  private ByteBuf buf;
  private int base;
  private int length;
  private byte[] array;
  private int arrayOffset;

  /** The first piece while it is the only one: a range of the chunk, not yet sliced. */
  private int firstFrom;

  private int firstTo;
  private CompositeByteBuf composite;

  /** Starts on a chunk: its bytes become readable through {@link #array()}. */
  void begin(Buffer chunk) {
    this.chunk = chunk;
    this.buf = byteBuf(chunk);
    this.base = buf.readerIndex();
    this.length = buf.readableBytes();
    if (buf.hasArray()) {
      array = buf.array();
      arrayOffset = buf.arrayOffset() + base;
    } else {
      // A direct or composite chunk (Vert.x does not hand these to body handlers): scan a copy,
      // output slices of the original all the same.
      array = new byte[length];
      buf.getBytes(base, array);
      arrayOffset = 0;
    }
    firstFrom = -1;
    composite = null;
  }

  /** The array holding the chunk's bytes, from {@link #offset()} for {@link #length()} bytes. */
  byte[] array() {
    return array;
  }

  int offset() {
    return arrayOffset;
  }

  int length() {
    return length;
  }

  /** Appends the chunk's bytes {@code [from, to)} (relative to the chunk) to the result. */
  void slice(int from, int to) {
    if (from == to) {
      return;
    }
    if (composite == null && firstFrom < 0) {
      firstFrom = from;
      firstTo = to;
      return;
    }
    composite().addComponent(true, buf.retainedSlice(base + from, to - from));
  }

  /** Appends {@code bytes} to the result; the result keeps the array, so pass a fresh one. */
  void bytes(byte[] bytes) {
    if (bytes.length > 0) {
      composite().addComponent(true, Unpooled.wrappedBuffer(bytes));
    }
  }

  /**
   * The result: the chunk itself when it is all of it, a slice of the chunk when it is one range,
   * else a composite of the pieces.
   */
  Buffer result() {
    Buffer result;
    if (composite != null) {
      result = BufferImpl.buffer(composite);
    } else if (firstFrom < 0) {
      result = Buffer.buffer();
    } else if (firstFrom == 0 && firstTo == length) {
      result = chunk;
    } else {
      result = BufferImpl.buffer(buf.slice(base + firstFrom, firstTo - firstFrom));
    }
    chunk = null;
    buf = null;
    array = null;
    composite = null;
    return result;
  }

  /** Copies the chunk's bytes {@code [from, to)} into {@code dst} at {@code at}. */
  void copy(int from, int to, byte[] dst, int at) {
    System.arraycopy(array, arrayOffset + from, dst, at, to - from);
  }

  private CompositeByteBuf composite() {
    if (composite == null) {
      composite = Unpooled.compositeBuffer(Integer.MAX_VALUE);
      if (firstFrom >= 0) {
        composite.addComponent(true, buf.retainedSlice(base + firstFrom, firstTo - firstFrom));
      }
    }
    return composite;
  }

  @SuppressWarnings("deprecation") // no other zero-copy view in Vert.x 4; see the class comment
  private static ByteBuf byteBuf(Buffer chunk) {
    return chunk instanceof BufferImpl impl ? impl.byteBuf() : chunk.getByteBuf();
  }
}
