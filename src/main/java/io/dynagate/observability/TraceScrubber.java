package io.dynagate.observability;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Keeps query strings and record keys out of every span (tracing is off unless {@code
 * quarkus.otel.sdk.disabled=false}; README "Tracing"). A Dataverse query string holds customer data
 * ({@code $filter=emailaddress1 eq '…'}), a path holds record keys and alternate keys ({@code
 * accounts(emailaddress1='…')}); the instrumentation of the HTTP server, the Dataverse client and
 * the token client copies both into {@code url.*} attributes and span names. This processor runs as
 * each span starts, where those attributes are set, and rewrites them: the query is dropped and
 * every parenthesised key becomes {@code (*)}. Bodies and headers are never recorded by the
 * instrumentation; Redis commands are recorded by operation only.
 */
@ApplicationScoped
public class TraceScrubber implements SpanProcessor {
  /** What a removed query string reads as. */
  public static final String SCRUBBED = "[scrubbed]";

  /** Attributes that hold a whole URL (stable and pre-1.21 semantic conventions). */
  private static final List<AttributeKey<String>> URLS =
      List.of(AttributeKey.stringKey("url.full"), AttributeKey.stringKey("http.url"));

  /** Attributes that hold a path, possibly with its query. */
  private static final List<AttributeKey<String>> PATHS =
      List.of(AttributeKey.stringKey("url.path"), AttributeKey.stringKey("http.target"));

  /** Attributes that hold only the query. */
  private static final List<AttributeKey<String>> QUERIES =
      List.of(AttributeKey.stringKey("url.query"));

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    for (AttributeKey<String> key : URLS) {
      String value = span.getAttribute(key);
      if (value != null) {
        span.setAttribute(key, url(value));
      }
    }
    for (AttributeKey<String> key : PATHS) {
      String value = span.getAttribute(key);
      if (value != null) {
        span.setAttribute(key, path(value));
      }
    }
    for (AttributeKey<String> key : QUERIES) {
      if (span.getAttribute(key) != null) {
        span.setAttribute(key, SCRUBBED);
      }
    }
    String name = span.getName();
    String scrubbedName = path(name);
    if (!scrubbedName.equals(name)) {
      span.updateName(scrubbedName);
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {}

  @Override
  public boolean isEndRequired() {
    return false;
  }

  /** {@code scheme://authority/path} with the path scrubbed; no query, no fragment, no userinfo. */
  static String url(String url) {
    int scheme = url.indexOf("://");
    if (scheme < 0) {
      return path(url);
    }
    int start = scheme + 3;
    int end = start;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    String authority = url.substring(start, end);
    int at = authority.lastIndexOf('@');
    return url.substring(0, start)
        + (at < 0 ? authority : authority.substring(at + 1))
        + path(url.substring(end));
  }

  /**
   * The path without query or fragment, each parenthesised key (quotes respected, percent-encoded
   * or not) replaced by {@code (*)}; a stray quote outside parentheses cuts the rest off.
   */
  static String path(String path) {
    int cut = firstOf(path, 0);
    String bare = decoded(cut < 0 ? path : path.substring(0, cut));
    if (bare.indexOf('(') < 0 && bare.indexOf('\'') < 0) {
      return bare;
    }
    StringBuilder out = new StringBuilder(bare.length());
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < bare.length(); i++) {
      char c = bare.charAt(i);
      if (depth > 0) {
        if (c == '\'') {
          quoted = !quoted;
        } else if (!quoted && c == '(') {
          depth++;
        } else if (!quoted && c == ')' && --depth == 0) {
          out.append(')');
        }
      } else if (c == '(') {
        depth = 1;
        out.append("(*");
      } else if (c == '\'') {
        return out.append('*').toString();
      } else {
        out.append(c);
      }
    }
    return depth > 0 ? out.append(')').toString() : out.toString();
  }

  /** ASCII {@code %XX} sequences decoded (so that {@code %28…%29} is a key too); others kept. */
  private static String decoded(String path) {
    if (path.indexOf('%') < 0) {
      return path;
    }
    StringBuilder out = new StringBuilder(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%' && i + 2 < path.length()) {
        int hi = Character.digit(path.charAt(i + 1), 16);
        int lo = Character.digit(path.charAt(i + 2), 16);
        if (hi >= 0 && hi < 8 && lo >= 0) {
          out.append((char) (hi * 16 + lo));
          i += 2;
          continue;
        }
      }
      out.append(c);
    }
    return out.toString();
  }

  private static int firstOf(String s, int from) {
    int q = s.indexOf('?', from);
    int h = s.indexOf('#', from);
    if (q < 0) {
      return h;
    }
    return h < 0 ? q : Math.min(q, h);
  }
}
