package io.dynagate.proxy;

import io.dynagate.grant.Privilege;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

/**
 * Lists the inner requests of a Dataverse {@code $batch} body so that each can be authorised like a
 * direct request (contract section 4).
 *
 * <p>The body is {@code multipart/mixed}; each part is either {@code application/http} (one inner
 * request) or a {@code multipart/mixed} change set holding {@code application/http} parts. Change
 * sets inside change sets are rejected. Each inner request line is {@code METHOD target HTTP/1.1};
 * the target is relative ({@code /api/data/v9.2/…} or {@code api/data/v9.2/…}), absolute under the
 * connection's org URL, absolute under one of the gateway's own prefixes for this connection
 * ({@code {publicBase}/proxy/{id}/…}, what OData clients write because the gateway is their service
 * root), or inside a change set a Content-ID reference {@code $n} (with an optional {@code /…}
 * suffix) to an earlier part of the same change set, which counts as that part's entity set.
 *
 * <p>The body to forward is written anew from what was parsed, so Dataverse reads exactly what was
 * checked: CRLF line ends, no preamble or epilogue, inner targets under a gateway prefix rewritten
 * to the org, and MIME and inner request headers through {@link HeaderPolicy#forwardedInBatch}
 * (credentials, cookies, {@code Host}, {@code Forwarded}/{@code X-Forwarded-*} and hop-by-hop
 * headers dropped). Impersonation and privileged headers stay and are reported per part for the
 * grant check. Inner bodies are copied byte for byte. Dataverse's batch reader
 * (Microsoft.OData.Core) also ends a line at a lone CR and finds a boundary delimiter in the middle
 * of a line, so an inner header holding a CR or NUL, or a body holding the delimiter of an open
 * multipart, is refused.
 *
 * <p>Failures: a malformed body throws {@link ProblemCode#BAD_REQUEST}; a target that {@link
 * PathPolicy} refuses, or an absolute URL that points neither at the org nor at a gateway prefix of
 * this connection, throws {@link ProblemCode#PATH_NOT_ALLOWED} (PathPolicy's problem is propagated
 * unchanged). Details are fixed strings and never echo body content.
 *
 * <p>Immutable and thread-safe; {@link #inspect} is pure (no I/O beyond the given bytes).
 */
public final class BatchInspector {
  /**
   * One inner request of a batch.
   *
   * @param body what a write's body reaches beyond the path's entity set ({@link BodyReach#NONE}
   *     for reads and empty bodies)
   */
  public record BatchPart(
      String method,
      ProxyPath path,
      boolean impersonation,
      Set<Privilege> privileges,
      BodyReach body) {
    public BatchPart {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(path, "path");
      privileges = Set.copyOf(privileges);
      Objects.requireNonNull(body, "body");
    }

    public BatchPart(String method, ProxyPath path, boolean impersonation, BodyReach body) {
      this(method, path, impersonation, Set.of(), body);
    }

    public BatchPart(String method, ProxyPath path, boolean impersonation) {
      this(method, path, impersonation, BodyReach.NONE);
    }
  }

  /**
   * The outcome of {@link #inspect}.
   *
   * @param parts the inner requests in order
   * @param forwarded the body to send upstream instead of the one received
   */
  public record Inspected(List<BatchPart> parts, byte[] forwarded) {}

  private static final String MALFORMED = "The $batch body is malformed";

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
  private static final Set<String> READ_METHODS = Set.of("GET", "HEAD");
  private static final Set<String> IDENTITY_ENCODINGS = Set.of("binary", "7bit", "8bit");

  private static final Pattern REQUEST_LINE =
      Pattern.compile("([A-Za-z]+) ([\\x21-\\x7e]+) (HTTP/1\\.[01])");
  private static final Pattern CONTENT_ID_REF = Pattern.compile("\\$([A-Za-z0-9_.-]+)(/[^?]*)?");
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  /** A MIME header line break with the whitespace that continues the value on the next line. */
  private static final Pattern FOLD = Pattern.compile("\r?\n[ \t]+");

  private static final int MAX_LINE = 8192;
  private static final int MAX_MIME_HEADERS = 50;
  private static final int MAX_INNER_HEADERS = 100;

  private final PathPolicy paths;
  private final int maxParts;

  /**
   * @param paths the policy every inner target must pass
   * @param maxParts the most inner requests (over all change sets) a batch may hold; Dataverse
   *     allows 1000
   */
  public BatchInspector(PathPolicy paths, int maxParts) {
    this.paths = Objects.requireNonNull(paths, "paths");
    if (maxParts < 1) {
      throw new IllegalArgumentException("maxParts must be positive");
    }
    this.maxParts = maxParts;
  }

  /**
   * Parses a batch body and returns its inner requests in order (absolute targets must point at the
   * org).
   *
   * @see #inspect(byte[], String, String, List)
   */
  public List<BatchPart> inspect(byte[] body, String contentType, String orgUrl) {
    return inspect(body, contentType, orgUrl, List.of()).parts();
  }

  /**
   * Parses a batch body, returns its inner requests in order and the body to forward.
   *
   * @param body the whole request body
   * @param contentType the request's {@code Content-Type} header (must be {@code multipart/mixed}
   *     with a boundary)
   * @param orgUrl the connection's org URL, e.g. {@code https://contoso.crm.dynamics.com}; a
   *     trailing {@code /} is ignored
   * @param gatewayPrefixes the gateway's own URLs of this connection ({@code
   *     https://gw.example.com/proxy/contoso}, one per public base; a trailing {@code /} is
   *     ignored): inner absolute targets under one of them are checked like relative ones and sent
   *     to the org
   * @throws GatewayProblem {@code bad_request} when the body is malformed; {@code path_not_allowed}
   *     when an inner target is not allowed
   */
  public Inspected inspect(
      byte[] body, String contentType, String orgUrl, List<String> gatewayPrefixes) {
    Objects.requireNonNull(orgUrl, "orgUrl");
    if (body == null || contentType == null || contentType.isBlank()) {
      throw malformed("the body or its content type is missing.");
    }
    Targets targets = new Targets(stripSlash(orgUrl), gatewayPrefixes);
    checkParameters(contentType);

    MimeConfig config =
        MimeConfig.custom()
            .setStrictParsing(true)
            .setMaxLineLen(MAX_LINE)
            .setMaxHeaderLen(MAX_LINE)
            .setMaxHeaderCount(MAX_MIME_HEADERS)
            .build();
    MimeTokenStream stream = new MimeTokenStream(config);
    stream.setRecursionMode(RecursionMode.M_NO_RECURSE);

    List<BatchPart> parts = new ArrayList<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 256);
    // One entry per open multipart: its boundary and the number of parts seen in it.
    Deque<Open> open = new ArrayDeque<>();
    Map<String, ProxyPath> changeSetIds = null;
    String contentId = null;
    int partContentTypes = 0;
    boolean partImpersonation = false;
    Set<Privilege> partPrivileges = EnumSet.noneOf(Privilege.class);
    List<Field> partFields = new ArrayList<>();
    boolean inPartHeader = false;
    boolean sawRoot = false;
    try {
      stream.parseHeadless(new ByteArrayInputStream(body), contentType);
      for (EntityState state = stream.getState();
          state != EntityState.T_END_OF_STREAM;
          state = stream.next()) {
        switch (state) {
          case T_START_MULTIPART -> {
            BodyDescriptor bd = stream.getBodyDescriptor();
            if (!"multipart/mixed".equalsIgnoreCase(bd.getMimeType()) || bd.getBoundary() == null) {
              throw malformed("a multipart is not multipart/mixed with a boundary.");
            }
            if (open.isEmpty()) {
              if (sawRoot) {
                throw malformed("the body has more than one root.");
              }
              sawRoot = true;
            } else if (open.size() == 1) {
              changeSetIds = new HashMap<>();
            } else {
              throw malformed("change sets cannot be nested.");
            }
            open.push(new Open(bd.getBoundary()));
          }
          case T_END_MULTIPART -> {
            if (open.isEmpty() || open.peek().parts == 0) {
              throw malformed("a batch or change set has no parts.");
            }
            ascii(out, "--" + open.pop().boundary + "--");
            if (open.isEmpty()) {
              ascii(out, CRLF);
            } else if (open.size() == 1) {
              changeSetIds = null;
            }
          }
          case T_START_BODYPART -> {
            if (open.isEmpty()) {
              throw malformed("a part is outside the batch.");
            }
            open.peek().parts++;
            ascii(out, "--" + open.peek().boundary + CRLF);
            contentId = null;
            partContentTypes = 0;
            partImpersonation = false;
            partPrivileges = EnumSet.noneOf(Privilege.class);
            partFields.clear();
            inPartHeader = true;
          }
          case T_FIELD -> {
            Field field = stream.getField();
            String name = field.getName().toLowerCase(Locale.ROOT);
            if (name.equals("content-id")) {
              contentId = contentIdValue(field.getBody());
            } else if (name.equals("content-type")) {
              // a second Content-Type or boundary could be read differently upstream
              if (++partContentTypes > 1) {
                throw malformed("a part has more than one Content-Type.");
              }
              checkParameters(field.getBody());
            } else if (HeaderPolicy.isImpersonation(name)) {
              partImpersonation = true;
            }
            Privilege.forHeader(name).ifPresent(partPrivileges::add);
            partFields.add(field);
          }
          case T_END_HEADER -> {
            if (inPartHeader) {
              writeFields(out, partFields);
              inPartHeader = false;
            }
          }
          case T_BODY -> {
            if (open.isEmpty()) {
              throw malformed("the content type is not multipart/mixed with a boundary.");
            }
            BodyDescriptor bd = stream.getBodyDescriptor();
            if (!"application/http".equalsIgnoreCase(bd.getMimeType())) {
              throw malformed("a part is neither application/http nor multipart/mixed.");
            }
            String encoding = bd.getTransferEncoding();
            if (encoding != null
                && !IDENTITY_ENCODINGS.contains(encoding.toLowerCase(Locale.ROOT))) {
              throw malformed("a part has an unsupported Content-Transfer-Encoding.");
            }
            if (parts.size() >= maxParts) {
              throw malformed("it has more than " + maxParts + " requests.");
            }
            boolean inChangeSet = open.size() == 2;
            Inner inner =
                readRequest(
                    stream.getInputStream(),
                    targets,
                    inChangeSet ? changeSetIds : null,
                    inChangeSet,
                    open,
                    out);
            BatchPart part = inner.part();
            if (inChangeSet && contentId != null) {
              if (changeSetIds.putIfAbsent(contentId, inner.resolved()) != null) {
                throw malformed("a Content-ID is repeated in a change set.");
              }
            }
            Set<Privilege> privileges = EnumSet.noneOf(Privilege.class);
            privileges.addAll(part.privileges());
            privileges.addAll(partPrivileges);
            parts.add(
                new BatchPart(
                    part.method(),
                    part.path(),
                    part.impersonation() || partImpersonation,
                    privileges,
                    part.body()));
          }
          case T_END_BODYPART -> ascii(out, CRLF);
          default -> {
            // preamble and epilogue: not forwarded
          }
        }
      }
    } catch (MimeException | IOException e) {
      throw malformed("it is not valid MIME.");
    }
    if (!sawRoot || !open.isEmpty() || parts.isEmpty()) {
      throw malformed("it has no requests.");
    }
    return new Inspected(List.copyOf(parts), out.toByteArray());
  }

  /** An open multipart: its boundary and how many parts it has had so far. */
  private static final class Open {
    final String boundary;
    int parts;

    Open(String boundary) {
      this.boundary = boundary;
    }
  }

  /** The MIME headers of a part that pass the header policy, then the blank line. */
  private static void writeFields(ByteArrayOutputStream out, List<Field> fields) {
    Set<String> named = new HashSet<>();
    for (Field f : fields) {
      if (f.getName().equalsIgnoreCase("Connection")) {
        named.addAll(HeaderPolicy.connectionTokens(List.of(f.getBody())));
      }
    }
    for (Field f : fields) {
      if (!HEADER_NAME.matcher(f.getName()).matches()) {
        throw malformed("a part header does not parse.");
      }
      if (HeaderPolicy.forwardedInBatch(f.getName(), named)) {
        latin1(out, f.getName() + ": " + unfold(f.getBody()) + CRLF);
      }
    }
    ascii(out, CRLF);
    fields.clear();
  }

  /** A folded MIME header value on one line (folding is only whitespace). */
  private static String unfold(String value) {
    return value.indexOf('\n') < 0 ? value.trim() : FOLD.matcher(value).replaceAll(" ").trim();
  }

  /** An inner request plus its target with any {@code $n} reference replaced. */
  private record Inner(BatchPart part, ProxyPath resolved) {}

  /**
   * @param reported what the grant is checked against ({@code $n…} kept for references)
   * @param resolved the target with references replaced
   * @param forwarded the request-line target to send
   */
  private record Target(ProxyPath reported, ProxyPath resolved, String forwarded) {}

  /** Where inner absolute targets may point: the org, or this connection at the gateway. */
  private record Targets(String org, List<String> gatewayPrefixes) {
    Targets {
      gatewayPrefixes = gatewayPrefixes.stream().map(BatchInspector::stripSlash).toList();
    }
  }

  private Inner readRequest(
      InputStream in,
      Targets targets,
      Map<String, ProxyPath> ids,
      boolean inChangeSet,
      Deque<Open> open,
      ByteArrayOutputStream out)
      throws IOException {
    String line = readLine(in);
    while (line != null && line.isEmpty()) {
      line = readLine(in);
    }
    if (line == null) {
      throw malformed("a part has no request line.");
    }
    Matcher m = REQUEST_LINE.matcher(line);
    if (!m.matches()) {
      throw malformed("a request line does not parse.");
    }
    String method = m.group(1);
    if (!METHODS.contains(method)) {
      throw malformed("a request uses an unknown method.");
    }
    if (inChangeSet && READ_METHODS.contains(method)) {
      throw malformed("a change set cannot contain a GET.");
    }
    Target target = target(m.group(2), targets, ids);
    if (target.resolved().batch()) {
      throw malformed("batches cannot be nested.");
    }

    List<String> headers = new ArrayList<>();
    Set<String> named = new HashSet<>();
    boolean impersonation = false;
    Set<Privilege> privileges = EnumSet.noneOf(Privilege.class);
    boolean json = false;
    for (int count = 0; ; count++) {
      String header = readLine(in);
      if (header == null || header.isEmpty()) {
        break;
      }
      if (count >= MAX_INNER_HEADERS) {
        throw malformed("a request has too many headers.");
      }
      if (header.indexOf('\r') >= 0 || header.indexOf('\0') >= 0) {
        // Dataverse's batch reader (Microsoft.OData.Core) ends a line at a lone CR too: what
        // follows it would be a header nobody checked (RFC 9110 section 5.5 allows refusing both)
        throw malformed("a request header contains a CR or NUL.");
      }
      int colon = header.indexOf(':');
      if (colon <= 0 || !HEADER_NAME.matcher(header.substring(0, colon)).matches()) {
        throw malformed("a request header does not parse.");
      }
      String name = header.substring(0, colon).toLowerCase(Locale.ROOT);
      String value = header.substring(colon + 1);
      if (HeaderPolicy.isImpersonation(name)) {
        impersonation = true;
      } else if (name.equals("content-type")) {
        json = BodyReach.isJson(value);
      } else if (name.equals("transfer-encoding")) {
        // dropping it would change how Dataverse reads the inner body; keeping it would let the
        // body mean something else than what was checked
        throw malformed("a request inside it has a Transfer-Encoding.");
      } else if (name.equals("connection")) {
        named.addAll(HeaderPolicy.connectionTokens(List.of(value)));
      }
      Privilege.forHeader(name).ifPresent(privileges::add);
      headers.add(header);
    }
    byte[] bytes = in.readAllBytes();
    for (Open o : open) {
      // Dataverse's batch reader finds a delimiter anywhere in a line, MIME only at its start:
      // a body holding one would be split into parts that were never checked
      if (contains(bytes, ("--" + o.boundary).getBytes(StandardCharsets.ISO_8859_1))) {
        throw malformed("a request body contains a boundary delimiter.");
      }
    }
    BodyReach body = BodyReach.NONE;
    if (BodyReach.BODY_METHODS.contains(method) && !blank(bytes)) {
      body = json ? BodyReach.of(bytes) : BodyReach.UNKNOWN;
    }

    ascii(out, method + " " + target.forwarded() + " " + m.group(3) + CRLF);
    for (String header : headers) {
      String name = header.substring(0, header.indexOf(':'));
      // a Content-ID belongs to the MIME part (what $n references are resolved against here);
      // one inside the request could make Dataverse resolve $n differently
      if (!name.equalsIgnoreCase("Content-ID") && HeaderPolicy.forwardedInBatch(name, named)) {
        latin1(out, header + CRLF);
      }
    }
    ascii(out, CRLF);
    out.write(bytes);
    return new Inner(
        new BatchPart(method, target.reported(), impersonation, privileges, body),
        target.resolved());
  }

  private Target target(String target, Targets targets, Map<String, ProxyPath> ids) {
    if (target.startsWith("$")) {
      return reference(target, ids);
    }
    String relative;
    String forwarded = target;
    int query = target.indexOf('?');
    // only the part before the query can make a target absolute: a relative target may carry a
    // URL in its query ($filter=websiteurl eq 'https://…') as a direct request may
    if ((query < 0 ? target : target.substring(0, query)).contains("://")) {
      String orgPrefix = targets.org() + "/";
      String gateway = gatewayPrefix(target, targets.gatewayPrefixes());
      if (target.regionMatches(true, 0, orgPrefix, 0, orgPrefix.length())) {
        relative = target.substring(orgPrefix.length());
      } else if (gateway != null) {
        relative = target.substring(gateway.length() + 1);
        forwarded = orgPrefix + relative;
      } else {
        throw GatewayProblem.of(
            ProblemCode.PATH_NOT_ALLOWED,
            "An inner absolute URL points neither at the connection's org nor at this connection"
                + " on the gateway.");
      }
    } else {
      relative = target.startsWith("/") ? target.substring(1) : target;
    }
    ProxyPath path = paths.check(relative);
    return new Target(path, path, forwarded);
  }

  /**
   * The gateway prefix {@code target} starts with, followed by {@code /}: scheme and authority
   * compared case-insensitively, {@code /proxy/{id}} and any base path exactly.
   */
  private static String gatewayPrefix(String target, List<String> prefixes) {
    for (String prefix : prefixes) {
      int path = prefix.indexOf('/', prefix.indexOf("://") + 3);
      if (target.length() > prefix.length()
          && target.charAt(prefix.length()) == '/'
          && target.regionMatches(true, 0, prefix, 0, path)
          && target.startsWith(prefix.substring(path), path)) {
        return prefix;
      }
    }
    return null;
  }

  /** {@code $n} or {@code $n/…} (plus an optional query) naming an earlier change set part. */
  private Target reference(String target, Map<String, ProxyPath> ids) {
    int q = target.indexOf('?');
    String pathPart = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? "" : target.substring(q);
    Matcher m = CONTENT_ID_REF.matcher(pathPart);
    if (ids == null || !m.matches()) {
      throw malformed("a Content-ID reference is unknown.");
    }
    ProxyPath referenced = ids.get(m.group(1));
    if (referenced == null) {
      throw malformed("a Content-ID reference is unknown.");
    }
    String suffix = m.group(2) == null ? "" : m.group(2);
    // The suffix and query must be as canonical as a direct target would be.
    ProxyPath resolved = paths.check(referenced.path() + suffix + query);
    String rawQuery = q < 0 || query.length() == 1 ? null : query.substring(1);
    return new Target(
        new ProxyPath(pathPart, rawQuery, referenced.entitySet(), false),
        new ProxyPath(resolved.path(), resolved.rawQuery(), referenced.entitySet(), false),
        target);
  }

  private static String contentIdValue(String raw) {
    String v = raw.trim();
    if (v.startsWith("<") && v.endsWith(">") && v.length() >= 2) {
      v = v.substring(1, v.length() - 1).trim();
    }
    return v;
  }

  /** A line without its CR LF or LF; null at end of stream. ISO-8859-1, bounded. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        break;
      }
      if (buf.size() >= MAX_LINE) {
        throw malformed("a request line or header is too long.");
      }
      buf.write(b);
    }
    if (b == -1 && buf.size() == 0) {
      return null;
    }
    byte[] bytes = buf.toByteArray();
    int len = bytes.length;
    if (len > 0 && bytes[len - 1] == '\r') {
      len--;
    }
    return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
  }

  /** Knuth-Morris-Pratt: linear in the body, also for a body of dashes and a dashed boundary. */
  private static boolean contains(byte[] haystack, byte[] needle) {
    int[] fallback = new int[needle.length];
    for (int i = 1, k = 0; i < needle.length; i++) {
      while (k > 0 && needle[i] != needle[k]) {
        k = fallback[k - 1];
      }
      if (needle[i] == needle[k]) {
        k++;
      }
      fallback[i] = k;
    }
    for (int i = 0, k = 0; i < haystack.length; i++) {
      while (k > 0 && haystack[i] != needle[k]) {
        k = fallback[k - 1];
      }
      if (haystack[i] == needle[k] && ++k == needle.length) {
        return true;
      }
    }
    return false;
  }

  private static boolean blank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }

  /**
   * Refuses a content type that names a parameter twice ({@code boundary=a; boundary=b}): parsers
   * disagree on which one counts, so the gateway could check other parts than Dataverse runs.
   */
  static void checkParameters(String contentType) {
    Set<String> names = new HashSet<>();
    boolean quoted = false;
    int start = contentType.indexOf(';');
    if (start < 0) {
      return;
    }
    StringBuilder param = new StringBuilder();
    for (int i = start + 1; i <= contentType.length(); i++) {
      char c = i < contentType.length() ? contentType.charAt(i) : ';';
      if (quoted && c == '\\' && i + 1 < contentType.length()) {
        param.append(c).append(contentType.charAt(++i));
        continue;
      }
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == ';' && !quoted) {
        String p = param.toString();
        int eq = p.indexOf('=');
        String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
        if (!name.isEmpty() && !names.add(name)) {
          throw malformed("a Content-Type names a parameter twice.");
        }
        param.setLength(0);
      } else {
        param.append(c);
      }
    }
  }

  private static final String CRLF = "\r\n";

  private static void ascii(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
  }

  /** Header text was read as ISO-8859-1; writing it the same way gives back the same bytes. */
  private static void latin1(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static GatewayProblem malformed(String reason) {
    return GatewayProblem.of(ProblemCode.BAD_REQUEST, MALFORMED + ": " + reason);
  }
}
