package io.dynagate.proxy;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Rewrites links that point at the connection's org so that a client pages through the gateway
 * (contract section 4): {@code Location} / {@code OData-EntityId} header values and the values of
 * link annotations in a streamed body: {@code @odata.nextLink}, {@code @odata.deltaLink}, {@code
 * @odata.context} (relative links such as full metadata's {@code @odata.editLink} are resolved
 * against it, so OData clients such as Olingo follow them through the gateway too), and absolute
 * {@code @odata.editLink}, {@code @odata.readLink}, {@code @odata.navigationLink}, {@code
 * @odata.associationLink}, {@code @odata.mediaReadLink}, {@code @odata.mediaEditLink}.
 *
 * <p>In a {@code $batch} response ({@code multipart}), the {@code Location} and {@code
 * OData-EntityId} header lines of the parts are rewritten the same way as the response's own
 * headers.
 *
 * <p>In the body only an annotation value that starts with the org origin followed by {@code /} is
 * changed, in both spellings Dataverse may use: {@code https://org/…} becomes {@code
 * {gatewayPrefix}/…} and {@code https:\/\/org\/…} becomes the prefix with its slashes escaped the
 * same way. Annotations on navigation properties ({@code "Account_Tasks@odata.nextLink"}) count
 * too: they page an expanded collection. Everything else is left byte for byte: {@code @odata.id}
 * (it identifies a record, and clients send it back to Dataverse in {@code @odata.bind} and
 * {@code $ref} bodies, which the gateway does not rewrite) and customer data mentioning the org
 * URL.
 *
 * <p>Streaming: the body is processed as bytes (UTF-8 sequences split across chunks stay intact),
 * and only a possible org origin right after an annotation's opening quote is held back, at most
 * {@link #maxHeldBytes()} bytes; everything else is emitted at once. The concatenated output of all
 * {@link #rewrite} calls and {@link #finish} equals the rewrite of the whole body, however it was
 * split. Apply it to JSON and multipart ({@code $batch}) bodies only; raw values ({@code $value})
 * are customer data.
 *
 * <p>One instance per response body; not thread-safe (it runs on the response's event loop).
 */
public final class LinkRewriter {
  private static final Pattern ORIGIN =
      Pattern.compile("(?i)https?://([a-z0-9.-]+|\\[[0-9a-f:.]+\\])(:[0-9]{1,5})?");
  private static final Pattern PREFIX = Pattern.compile("(?i)https?://[\\x21-\\x7e&&[^\"\\\\?#]]+");

  /** Annotation name suffixes; {@code @} occurs only first, so a mismatch restarts at 0 or 1. */
  private static final byte[][] KEYS = {
    ascii("@odata.nextLink\""),
    ascii("@odata.deltaLink\""),
    ascii("@odata.context\""),
    ascii("@odata.editLink\""),
    ascii("@odata.readLink\""),
    ascii("@odata.navigationLink\""),
    ascii("@odata.associationLink\""),
    ascii("@odata.mediaReadLink\""),
    ascii("@odata.mediaEditLink\"")
  };

  /**
   * Header lines inside {@code $batch} response parts, matched in lower case; {@code \n} occurs
   * only first, so a mismatch restarts at 0 or 1.
   */
  private static final byte[][] HEADER_KEYS = {ascii("\nlocation:"), ascii("\nodata-entityid:")};

  private enum State {
    /** Looking for an annotation name. */
    SCAN,
    /** After the annotation name, before the colon. */
    BEFORE_COLON,
    /** After the colon, before the value's opening quote. */
    BEFORE_VALUE,
    /** After a part header's colon, before its value. */
    BEFORE_HEADER_VALUE,
    /** Holding bytes that may be the org origin. */
    ORIGIN,
    /** The whole origin is held; the next byte must be {@code /} or {@code \}. */
    BOUNDARY,
    /** The origin and a {@code \} are held; the next byte must be {@code /}. */
    ESCAPED_BOUNDARY
  }

  private final String orgUrl;
  private final String gatewayPrefix;
  private final byte[] plainOrigin;
  private final byte[] escapedOrigin;
  private final byte[] plainReplacement;
  private final byte[] escapedReplacement;

  private final boolean multipart;
  private State state = State.SCAN;
  private final KeyMatcher annotations = new KeyMatcher(KEYS);
  private final KeyMatcher partHeaders = new KeyMatcher(HEADER_KEYS);
  private final byte[] held;
  private int heldLength;
  private int plainMatched;
  private int escapedMatched;
  private boolean escapedVariant;
  private boolean finished;

  /**
   * @param orgUrl the connection's org origin, e.g. {@code https://contoso.crm4.dynamics.com}; one
   *     trailing slash is tolerated
   * @param gatewayPrefix what replaces it, e.g. {@code https://gw.example.com/proxy/contoso}; one
   *     trailing slash is tolerated
   * @throws IllegalArgumentException when orgUrl is not an http(s) origin or gatewayPrefix is not
   *     an http(s) URL without query, fragment, quotes or backslashes
   */
  public LinkRewriter(String orgUrl, String gatewayPrefix) {
    this(orgUrl, gatewayPrefix, false);
  }

  /**
   * @param multipart the body is a {@code multipart/mixed} {@code $batch} response: {@code
   *     Location} and {@code OData-EntityId} header lines of its parts are rewritten too (header
   *     names compared case-insensitively)
   * @see #LinkRewriter(String, String)
   */
  public LinkRewriter(String orgUrl, String gatewayPrefix, boolean multipart) {
    this.multipart = multipart;
    this.orgUrl = stripSlash(Objects.requireNonNull(orgUrl, "orgUrl"));
    this.gatewayPrefix = stripSlash(Objects.requireNonNull(gatewayPrefix, "gatewayPrefix"));
    if (!ORIGIN.matcher(this.orgUrl).matches()) {
      throw new IllegalArgumentException("orgUrl must be an http(s) origin");
    }
    if (!PREFIX.matcher(this.gatewayPrefix).matches()) {
      throw new IllegalArgumentException("gatewayPrefix must be an http(s) URL");
    }
    String lowerOrigin = this.orgUrl.toLowerCase(Locale.ROOT);
    this.plainOrigin = ascii(lowerOrigin);
    this.escapedOrigin = ascii(lowerOrigin.replace("/", "\\/"));
    this.plainReplacement = ascii(this.gatewayPrefix);
    this.escapedReplacement = ascii(this.gatewayPrefix.replace("/", "\\/"));
    this.held = new byte[escapedOrigin.length + 1];
  }

  /**
   * Rewrites a {@code Location} or {@code OData-EntityId} header value: one that starts with the
   * org origin (scheme and host compared case-insensitively) followed by {@code /} gets the gateway
   * prefix instead; anything else, including null, is returned unchanged.
   */
  public String rewriteHeader(String value) {
    if (value != null
        && value.length() > orgUrl.length()
        && value.regionMatches(true, 0, orgUrl, 0, orgUrl.length())
        && value.charAt(orgUrl.length()) == '/') {
      return gatewayPrefix + value.substring(orgUrl.length());
    }
    return value;
  }

  /**
   * Rewrites the next chunk of the body. The result may be shorter than the input (a possible link
   * is held back) or longer (a link was rewritten).
   *
   * @throws IllegalStateException after {@link #finish}
   */
  public Buffer rewrite(Buffer chunk) {
    Objects.requireNonNull(chunk, "chunk");
    if (finished) {
      throw new IllegalStateException("finish() was already called");
    }
    byte[] in = chunk.getBytes();
    Output out = new Output(in.length + 16);
    for (byte b : in) {
      accept(b, out);
    }
    return out.toBuffer();
  }

  /**
   * Ends the body: returns the bytes still held back, unchanged (a link cut off by the end of the
   * body is not a link).
   *
   * @throws IllegalStateException when called twice
   */
  public Buffer finish() {
    if (finished) {
      throw new IllegalStateException("finish() was already called");
    }
    finished = true;
    Output out = new Output(heldLength);
    flushHeld(out);
    state = State.SCAN;
    return out.toBuffer();
  }

  /** The most bytes this rewriter ever holds back between calls. */
  int maxHeldBytes() {
    return held.length;
  }

  /** The bytes currently held back. */
  int heldBytes() {
    return heldLength;
  }

  private void accept(byte b, Output out) {
    while (true) {
      switch (state) {
        case SCAN -> {
          out.write(b);
          if (advanceKeys(b)) {
            state = State.BEFORE_COLON;
          } else if (multipart && advanceHeaderKeys(lowerAscii(b))) {
            state = State.BEFORE_HEADER_VALUE;
          }
          return;
        }
        case BEFORE_HEADER_VALUE -> {
          if (b == ' ' || b == '\t') {
            out.write(b);
            return;
          }
          state = State.ORIGIN;
          plainMatched = 0;
          escapedMatched = -1; // header values are not JSON-escaped
          continue; // look at b as the first byte of the value
        }
        case BEFORE_COLON -> {
          if (isJsonWhitespace(b) || b == ':') {
            out.write(b);
            if (b == ':') {
              state = State.BEFORE_VALUE;
            }
            return;
          }
          state = State.SCAN; // not an annotation after all; look at b again
        }
        case BEFORE_VALUE -> {
          if (isJsonWhitespace(b) || b == '"') {
            out.write(b);
            if (b == '"') {
              state = State.ORIGIN;
              plainMatched = 0;
              escapedMatched = 0;
            }
            return;
          }
          state = State.SCAN;
        }
        case ORIGIN -> {
          byte lower = lowerAscii(b);
          plainMatched = advance(plainOrigin, plainMatched, lower);
          escapedMatched = advance(escapedOrigin, escapedMatched, lower);
          if (plainMatched < 0 && escapedMatched < 0) {
            flushHeld(out);
            state = State.SCAN;
            continue;
          }
          hold(b);
          if (plainMatched == plainOrigin.length || escapedMatched == escapedOrigin.length) {
            escapedVariant = escapedMatched == escapedOrigin.length;
            state = State.BOUNDARY;
          }
          return;
        }
        case BOUNDARY -> {
          if (b == '/') {
            replaceHeld(out);
            out.write(b);
            state = State.SCAN;
            return;
          }
          if (b == '\\') {
            hold(b);
            state = State.ESCAPED_BOUNDARY;
            return;
          }
          flushHeld(out);
          state = State.SCAN;
        }
        case ESCAPED_BOUNDARY -> {
          if (b == '/') {
            replaceHeld(out); // the held backslash is part of the boundary, kept as received
            out.write(b);
            state = State.SCAN;
            return;
          }
          flushHeld(out);
          state = State.SCAN;
        }
      }
    }
  }

  /** Advances every annotation-name matcher; true when one just completed (all are then reset). */
  private boolean advanceKeys(byte b) {
    return annotations.advance(b);
  }

  /** Advances the part-header matchers on a lower-cased byte; true when one just completed. */
  private boolean advanceHeaderKeys(byte lower) {
    return partHeaders.advance(lower);
  }

  /**
   * Matches several keys that start with the same byte, which occurs nowhere else in them: a
   * mismatch restarts a key at 0, or at 1 when the byte is that first byte. While no key is under
   * way, a byte other than the first costs one comparison (most body bytes are such).
   */
  private static final class KeyMatcher {
    private final byte[][] keys;
    private final byte first;
    private final int[] matched;
    private boolean idle = true;

    KeyMatcher(byte[][] keys) {
      this.keys = keys;
      this.first = keys[0][0];
      this.matched = new int[keys.length];
      for (byte[] key : keys) {
        if (key[0] != first) {
          throw new IllegalArgumentException("keys must share their first byte");
        }
      }
    }

    /** True when one key just completed; every key then starts again. */
    boolean advance(byte b) {
      if (idle && b != first) {
        return false;
      }
      boolean complete = false;
      boolean underWay = false;
      for (int k = 0; k < keys.length; k++) {
        byte[] key = keys[k];
        int m = matched[k];
        if (key[m] == b) {
          m++;
        } else {
          m = b == first ? 1 : 0;
        }
        if (m == key.length) {
          complete = true;
          m = 0;
        }
        matched[k] = m;
        underWay |= m > 0;
      }
      if (complete) {
        Arrays.fill(matched, 0);
        underWay = false;
      }
      idle = !underWay;
      return complete;
    }
  }

  /** Matched length after {@code lower}, or -1 once the candidate is ruled out. */
  private static int advance(byte[] candidate, int matched, byte lower) {
    if (matched < 0 || matched >= candidate.length || candidate[matched] != lower) {
      return -1;
    }
    return matched + 1;
  }

  private void hold(byte b) {
    held[heldLength++] = b;
  }

  private void flushHeld(Output out) {
    out.write(held, 0, heldLength);
    heldLength = 0;
  }

  /** Emits the replacement for the held origin, then any held boundary backslash. */
  private void replaceHeld(Output out) {
    int originLength = escapedVariant ? escapedOrigin.length : plainOrigin.length;
    out.write(escapedVariant ? escapedReplacement : plainReplacement);
    out.write(held, originLength, heldLength - originLength);
    heldLength = 0;
  }

  private static boolean isJsonWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }

  private static byte lowerAscii(byte b) {
    return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** A growable byte array; cheaper than appending to a Buffer byte by byte. */
  private static final class Output {
    private byte[] bytes;
    private int length;

    Output(int capacity) {
      bytes = new byte[Math.max(capacity, 16)];
    }

    void write(byte b) {
      ensure(1);
      bytes[length++] = b;
    }

    void write(byte[] b) {
      write(b, 0, b.length);
    }

    void write(byte[] b, int offset, int count) {
      ensure(count);
      System.arraycopy(b, offset, bytes, length, count);
      length += count;
    }

    private void ensure(int extra) {
      if (length + extra > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + extra));
      }
    }

    Buffer toBuffer() {
      return Buffer.buffer(length == bytes.length ? bytes : Arrays.copyOf(bytes, length));
    }
  }
}
