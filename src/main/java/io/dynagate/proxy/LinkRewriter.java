package io.dynagate.proxy;

import io.vertx.core.buffer.Buffer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
 * <p>Cost model (every byte of every JSON and {@code $batch} response passes here):
 *
 * <ul>
 *   <li>Searching: while no key is under way the chunk's backing array is searched eight bytes at
 *       a time (a SWAR test on a {@code long} read) for {@code @}, the byte every annotation key
 *       starts with and holds nowhere else, and for {@code \n} in a multipart body. Only there are
 *       key bytes compared: the shared {@code @odata.}, then the one or two keys with the byte
 *       after it, so the {@code @odata.etag} of every record costs about eight comparisons. A key
 *       that may run on past the chunk's end is matched byte by byte, its progress kept for the
 *       next chunk.
 *   <li>After a key: a byte comparison each for the colon, the quote and at most {@link
 *       #maxHeldBytes()} bytes of a possible origin; only these are ever held back.
 *   <li>Output, without copying (see {@link ChunkBytes}): a chunk with nothing to change is
 *       returned as the same instance; one whose end is held back as a slice of it; one with a
 *       rewrite as a composite of slices of it and the replacement.
 *   <li>Allocation: none per unchanged chunk; a slice when bytes are held at its end; a composite,
 *       its slices and the replacement bytes per rewrite; a copy of the held bytes (at most {@link
 *       #maxHeldBytes()}) only where a possible origin crosses a chunk boundary. The key tables are
 *       constants; the two patterns run once per instance, in the constructor, never per chunk.
 * </ul>
 *
 * <p>Measured with an ad-hoc harness (warm JIT, a 1.2 MB page of 5,000 records in 8 KiB chunks, a
 * shared 2-core machine): about 6.5 GB/s for JSON and 4.4 GB/s as multipart, against 0.25 and 0.21
 * GB/s for the byte-at-a-time loop this replaced; the plain search loop instead of the SWAR one
 * halves the figures.
 *
 * <p>One instance per response body; not thread-safe (it runs on the response's event loop).
 */
public final class LinkRewriter {
  private static final Pattern ORIGIN =
      Pattern.compile("(?i)https?://([a-z0-9.-]+|\\[[0-9a-f:.]+\\])(:[0-9]{1,5})?");
  private static final Pattern PREFIX = Pattern.compile("(?i)https?://[\\x21-\\x7e&&[^\"\\\\?#]]+");

  /** Annotation name suffixes; {@code @} occurs only first. */
  private static final KeySet ANNOTATIONS =
      new KeySet(
          false,
          ascii("@odata.nextLink\""),
          ascii("@odata.deltaLink\""),
          ascii("@odata.context\""),
          ascii("@odata.editLink\""),
          ascii("@odata.readLink\""),
          ascii("@odata.navigationLink\""),
          ascii("@odata.associationLink\""),
          ascii("@odata.mediaReadLink\""),
          ascii("@odata.mediaEditLink\""));

  /** Header lines inside {@code $batch} response parts, matched in lower case; {@code \n} first. */
  private static final KeySet PART_HEADERS =
      new KeySet(true, ascii("\nlocation:"), ascii("\nodata-entityid:"));

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
  private final KeyMatcher annotations = new KeyMatcher(ANNOTATIONS);
  private final KeyMatcher partHeaders = new KeyMatcher(PART_HEADERS);
  private final ChunkBytes out = new ChunkBytes();

  /** Bytes held back from earlier chunks: the start of a value that may be the org origin. */
  private final byte[] held;

  private int heldLength;

  /** In the current chunk: where the bytes held in it begin (0 while holding from earlier). */
  private int holdStart;

  /** In the current chunk: where the stretch not yet handed to {@link #out} begins. */
  private int emitFrom;

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
   * is held back) or longer (a link was rewritten). It shares memory with {@code chunk}: a chunk
   * with nothing to change comes back as the same instance, otherwise the untouched stretches are
   * slices of it, so the caller must not modify {@code chunk} afterwards.
   *
   * @throws IllegalStateException after {@link #finish}
   */
  public Buffer rewrite(Buffer chunk) {
    Objects.requireNonNull(chunk, "chunk");
    if (finished) {
      throw new IllegalStateException("finish() was already called");
    }
    out.begin(chunk);
    int length = out.length();
    emitFrom = 0;
    holdStart = 0; // a value under way at the chunk start is held from its first byte
    int p = 0;
    while (p < length) {
      p = state == State.SCAN ? scan(p) : step(p);
    }
    if (holding()) {
      // the held stretch is copied: the next chunk decides whether it is an origin
      out.copy(holdStart, length, held, heldLength);
      heldLength += length - holdStart;
      out.slice(emitFrom, holdStart);
    } else {
      out.slice(emitFrom, length);
    }
    return out.result();
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
    Buffer rest = Buffer.buffer(Arrays.copyOf(held, heldLength));
    heldLength = 0;
    state = State.SCAN;
    return rest;
  }

  /** The most bytes this rewriter ever holds back between calls. */
  int maxHeldBytes() {
    return held.length;
  }

  /** The bytes currently held back. */
  int heldBytes() {
    return heldLength;
  }

  /**
   * Looks for the next annotation name (or part header) from chunk position {@code p}; returns the
   * position after it, with the state moved on, or the chunk length when there is none.
   */
  private int scan(int p) {
    byte[] a = out.array();
    int offset = out.offset();
    int end = offset + out.length();
    int i = offset + p;
    while (i < end) {
      if (annotations.idle() && (!multipart || partHeaders.idle())) {
        // No key under way: jump to the next byte that can start one, and decide there at once
        // when the longest key fits in the chunk.
        i = multipart ? indexOf(a, i, end, AT, NEWLINE) : indexOf(a, i, end, AT);
        if (i == end) {
          break;
        }
        KeySet keys = a[i] == '@' ? ANNOTATIONS : PART_HEADERS;
        if (end - i >= keys.maxLength) {
          int keyLength = keys.lengthAt(a, i);
          if (keyLength == 0) {
            i++;
            continue;
          }
          state = keys == ANNOTATIONS ? State.BEFORE_COLON : State.BEFORE_HEADER_VALUE;
          return i + keyLength - offset;
        }
      }
      // A key under way may run on into the next chunk: byte by byte, the matchers keep their
      // progress between calls.
      byte b = a[i++];
      if (annotations.advance(b)) {
        state = State.BEFORE_COLON;
        return i - offset;
      }
      if (multipart && partHeaders.advance(b)) {
        state = State.BEFORE_HEADER_VALUE;
        return i - offset;
      }
    }
    return end - offset;
  }

  /**
   * Looks at the byte at chunk position {@code p} in any state but {@link State#SCAN}; returns the
   * next position: {@code p + 1}, or {@code p} when the byte is to be looked at again in the new
   * state.
   */
  private int step(int p) {
    byte b = out.array()[out.offset() + p];
    switch (state) {
      case BEFORE_HEADER_VALUE -> {
        if (b == ' ' || b == '\t') {
          return p + 1;
        }
        startValue(p, -1); // header values are not JSON-escaped; b is the value's first byte
        return p;
      }
      case BEFORE_COLON -> {
        if (isJsonWhitespace(b) || b == ':') {
          if (b == ':') {
            state = State.BEFORE_VALUE;
          }
          return p + 1;
        }
        state = State.SCAN; // not an annotation after all; look at b again
        return p;
      }
      case BEFORE_VALUE -> {
        if (isJsonWhitespace(b) || b == '"') {
          if (b == '"') {
            startValue(p + 1, 0);
          }
          return p + 1;
        }
        state = State.SCAN;
        return p;
      }
      case ORIGIN -> {
        byte lower = lowerAscii(b);
        plainMatched = advance(plainOrigin, plainMatched, lower);
        escapedMatched = advance(escapedOrigin, escapedMatched, lower);
        if (plainMatched < 0 && escapedMatched < 0) {
          release();
          return p;
        }
        if (plainMatched == plainOrigin.length || escapedMatched == escapedOrigin.length) {
          escapedVariant = escapedMatched == escapedOrigin.length;
          state = State.BOUNDARY;
        }
        return p + 1; // held
      }
      case BOUNDARY -> {
        if (b == '/') {
          replace(p, false);
          return p + 1;
        }
        if (b == '\\') {
          state = State.ESCAPED_BOUNDARY;
          return p + 1; // held
        }
        release();
        return p;
      }
      case ESCAPED_BOUNDARY -> {
        if (b == '/') {
          replace(p, true); // the held backslash is part of the boundary, kept as received
          return p + 1;
        }
        release();
        return p;
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  /** A value that may start with the origin begins at chunk position {@code p}: hold it. */
  private void startValue(int p, int escapedStart) {
    state = State.ORIGIN;
    plainMatched = 0;
    escapedMatched = escapedStart;
    holdStart = p;
  }

  private boolean holding() {
    return state == State.ORIGIN || state == State.BOUNDARY || state == State.ESCAPED_BOUNDARY;
  }

  /**
   * Not an origin after all: the held bytes go out unchanged. Those of this chunk are still part of
   * the pending stretch; those carried from earlier chunks go out first (the value then started at
   * this chunk's first byte).
   */
  private void release() {
    if (heldLength > 0) {
      out.bytes(Arrays.copyOf(held, heldLength));
      heldLength = 0;
    }
    state = State.SCAN;
  }

  /**
   * The held origin is one: the pending stretch up to it goes out, then the replacement (and the
   * held boundary backslash); the stretch resumes at chunk position {@code slash}.
   */
  private void replace(int slash, boolean backslash) {
    out.slice(emitFrom, holdStart); // empty when the origin began in an earlier chunk
    byte[] replacement = escapedVariant ? escapedReplacement : plainReplacement;
    byte[] piece = Arrays.copyOf(replacement, replacement.length + (backslash ? 1 : 0));
    if (backslash) {
      piece[replacement.length] = '\\';
    }
    out.bytes(piece);
    heldLength = 0;
    emitFrom = slash;
    state = State.SCAN;
  }

  /**
   * Keys that start with the same byte, which occurs nowhere else in them, so that a key can only
   * start there; immutable, shared by all instances.
   */
  private static final class KeySet {
    private final byte[][] keys;
    private final boolean foldCase;
    private final byte first;
    private final int maxLength;

    /** How many leading bytes all keys share. */
    private final int common;

    /** The keys by their byte after the common prefix. */
    private final byte[][][] byNext = new byte[256][][];

    /**
     * @param foldCase compare ASCII letters case-insensitively ({@code keys} are in lower case)
     */
    KeySet(boolean foldCase, byte[]... keys) {
      this.keys = keys;
      this.foldCase = foldCase;
      this.first = keys[0][0];
      int longest = 0;
      for (byte[] key : keys) {
        for (int k = 0; k < key.length; k++) {
          if ((key[k] == first) != (k == 0)) {
            throw new IllegalArgumentException("keys must share a first byte found only there");
          }
        }
        longest = Math.max(longest, key.length);
      }
      int shared = 1;
      while (sharedAt(keys, shared)) {
        shared++;
      }
      this.common = shared;
      this.maxLength = longest;
      for (byte[] key : keys) {
        int next = key[common] & 0xff;
        byte[][] bucket = byNext[next] == null ? new byte[0][] : byNext[next];
        bucket = Arrays.copyOf(bucket, bucket.length + 1);
        bucket[bucket.length - 1] = key;
        byNext[next] = bucket;
      }
    }

    /** All keys have byte {@code i}, the same, and at least one more after it. */
    private static boolean sharedAt(byte[][] keys, int i) {
      for (byte[] key : keys) {
        if (i >= key.length - 1 || key[i] != keys[0][i]) {
          return false;
        }
      }
      return true;
    }

    /**
     * The length of the key at {@code a[i]} (its first byte), or 0; {@code a} holds at least {@link
     * #maxLength} bytes from {@code i}.
     */
    int lengthAt(byte[] a, int i) {
      byte[] any = keys[0];
      for (int k = 1; k < common; k++) {
        if (fold(a[i + k]) != any[k]) {
          return 0;
        }
      }
      byte[][] bucket = byNext[fold(a[i + common]) & 0xff];
      if (bucket == null) {
        return 0;
      }
      for (byte[] key : bucket) {
        int k = common + 1;
        while (k < key.length && fold(a[i + k]) == key[k]) {
          k++;
        }
        if (k == key.length) {
          return k;
        }
      }
      return 0;
    }

    byte fold(byte b) {
      return foldCase ? lowerAscii(b) : b;
    }
  }

  /**
   * One body's progress through a {@link KeySet}, byte by byte, kept between chunks: a mismatch
   * restarts a key at 0, or at 1 when the byte is the first byte. Where the chunk holds the longest
   * key, {@link KeySet#lengthAt} decides at once instead.
   */
  private static final class KeyMatcher {
    private final KeySet set;
    private final int[] matched;
    private boolean idle = true;

    KeyMatcher(KeySet set) {
      this.set = set;
      this.matched = new int[set.keys.length];
    }

    /** No key is under way between {@link #advance} calls. */
    boolean idle() {
      return idle;
    }

    /** True when one key just completed; every key then starts again. */
    boolean advance(byte raw) {
      byte b = set.fold(raw);
      byte first = set.first;
      if (idle && b != first) {
        return false;
      }
      boolean complete = false;
      boolean underWay = false;
      byte[][] keys = set.keys;
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

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long AT = ONES * '@';
  private static final long NEWLINE = ONES * '\n';
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** The index of the first byte {@code b} in {@code a[from, end)}, or {@code end}. */
  private static int indexOf(byte[] a, int from, int end, long b) {
    int i = from;
    for (; i <= end - Long.BYTES; i += Long.BYTES) {
      long zeros = zeroBytes((long) LONGS.get(a, i) ^ b);
      if (zeros != 0) {
        return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
      }
    }
    byte one = (byte) b;
    while (i < end && a[i] != one) {
      i++;
    }
    return i;
  }

  /** The index of the first byte {@code b} or {@code c} in {@code a[from, end)}, or {@code end}. */
  private static int indexOf(byte[] a, int from, int end, long b, long c) {
    int i = from;
    for (; i <= end - Long.BYTES; i += Long.BYTES) {
      long word = (long) LONGS.get(a, i);
      long zeros = zeroBytes(word ^ b) | zeroBytes(word ^ c);
      if (zeros != 0) {
        return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
      }
    }
    byte one = (byte) b;
    byte other = (byte) c;
    while (i < end && a[i] != one && a[i] != other) {
      i++;
    }
    return i;
  }

  /**
   * The high bit of each zero byte of {@code word} set, and maybe of bytes above a zero one (a
   * borrow), never below: the lowest set bit marks the first zero byte of a little-endian word.
   */
  private static long zeroBytes(long word) {
    return (word - ONES) & ~word & HIGHS;
  }

  /** Matched length after {@code lower}, or -1 once the candidate is ruled out. */
  private static int advance(byte[] candidate, int matched, byte lower) {
    if (matched < 0 || matched >= candidate.length || candidate[matched] != lower) {
      return -1;
    }
    return matched + 1;
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
}
