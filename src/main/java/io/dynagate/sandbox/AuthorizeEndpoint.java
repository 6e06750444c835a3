package io.dynagate.sandbox;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET|POST /{tenant}/oauth2/v2.0/authorize}: the authorization endpoint with a consent page
 * instead of a sign-in. No user, no JavaScript.
 *
 * <ul>
 *   <li>{@code GET} with {@code client_id}, {@code response_type=code}, {@code redirect_uri},
 *       {@code scope}, optional {@code state}, {@code code_challenge} and {@code
 *       code_challenge_method=S256}: an HTML page showing client id and scopes, with a form that
 *       POSTs the same parameters to the same path plus {@code decision=accept} (button {@code
 *       id="accept"}) or {@code decision=decline} (button {@code id="decline"}).
 *   <li>{@code POST} of that form, or a {@code GET} with {@code decision=accept|decline} added
 *       (skips the page): 302 to {@code redirect_uri?code=…&state=…}, or on decline {@code
 *       ?error=access_denied&error_description=AADSTS65004…&state=…}.
 * </ul>
 *
 * <p>An unknown {@code client_id} or a {@code redirect_uri} that is not an absolute http(s) URL
 * gets a 400 HTML page (never a redirect); any other invalid parameter is redirected back as an
 * OAuth error. The redirect URI is not checked against a registration: any http(s) URL goes.
 */
final class AuthorizeEndpoint {

  /** Parameters carried from the page to its form, in this order. */
  private static final List<String> PARAMETERS =
      List.of(
          "client_id",
          "response_type",
          "redirect_uri",
          "scope",
          "state",
          "code_challenge",
          "code_challenge_method");

  private final SandboxOptions options;
  private final GrantStore grants;

  AuthorizeEndpoint(SandboxOptions options, GrantStore grants) {
    this.options = options;
    this.grants = grants;
  }

  void handle(RoutingContext ctx) {
    MultiMap params =
        ctx.request().method() == HttpMethod.POST
            ? ctx.request().formAttributes()
            : ctx.request().params();
    String clientId = params.get("client_id");
    if (clientId == null || clientId.isBlank()) {
      errorPage(
          ctx,
          "AADSTS900144: The request body must contain the following parameter:" + " 'client_id'.");
      return;
    }
    if (!clientId.equals(options.clientId())) {
      errorPage(
          ctx,
          "AADSTS700016: Application with identifier '"
              + clientId
              + "' was not found in the directory.");
      return;
    }
    String redirectUri = params.get("redirect_uri");
    if (!isAbsoluteHttpUrl(redirectUri)) {
      errorPage(
          ctx,
          "AADSTS50011: The redirect URI '"
              + (redirectUri == null ? "" : redirectUri)
              + "' specified in the request is not an absolute http or https URL.");
      return;
    }
    String state = params.get("state");
    String responseType = params.get("response_type");
    if (responseType == null || responseType.isBlank()) {
      redirectError(ctx, redirectUri, state, "invalid_request", missing("response_type"));
      return;
    }
    if (!responseType.equals("code")) {
      redirectError(
          ctx,
          redirectUri,
          state,
          "unsupported_response_type",
          "AADSTS70005: response_type '" + responseType + "' is not supported; use 'code'.");
      return;
    }
    String scope = params.get("scope");
    if (scope == null || scope.isBlank()) {
      redirectError(ctx, redirectUri, state, "invalid_request", missing("scope"));
      return;
    }
    String challenge = params.get("code_challenge");
    if (challenge == null || challenge.isBlank()) {
      redirectError(ctx, redirectUri, state, "invalid_request", missing("code_challenge"));
      return;
    }
    if (!"S256".equals(params.get("code_challenge_method"))) {
      redirectError(
          ctx,
          redirectUri,
          state,
          "invalid_request",
          "AADSTS501491: code_challenge_method must be 'S256'.");
      return;
    }
    String decision = params.get("decision");
    if (decision == null && ctx.request().method() == HttpMethod.GET) {
      consentPage(ctx, params);
      return;
    }
    if ("accept".equals(decision)) {
      String code = grants.issueCode(clientId, redirectUri, scope.trim(), challenge);
      Map<String, String> query = new LinkedHashMap<>();
      query.put("code", code);
      query.put("state", state);
      redirect(ctx, redirectUri, query);
    } else if ("decline".equals(decision)) {
      redirectError(
          ctx,
          redirectUri,
          state,
          "access_denied",
          "AADSTS65004: User declined to consent to access the app.");
    } else {
      redirectError(
          ctx, redirectUri, state, "invalid_request", "decision must be 'accept' or 'decline'.");
    }
  }

  private static String missing(String parameter) {
    return "AADSTS900144: The request body must contain the following parameter: '"
        + parameter
        + "'.";
  }

  static boolean isAbsoluteHttpUrl(String value) {
    if (value == null || value.isBlank()) {
      return false;
    }
    try {
      URI uri = new URI(value);
      return uri.isAbsolute()
          && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
          && uri.getHost() != null
          && uri.getRawFragment() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static void redirectError(
      RoutingContext ctx, String redirectUri, String state, String error, String description) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("error", error);
    query.put("error_description", description);
    query.put("state", state);
    redirect(ctx, redirectUri, query);
  }

  /** 302 to {@code redirectUri} with {@code query} appended (null values left out). */
  private static void redirect(RoutingContext ctx, String redirectUri, Map<String, String> query) {
    StringBuilder location = new StringBuilder(redirectUri);
    char separator = redirectUri.contains("?") ? '&' : '?';
    for (Map.Entry<String, String> e : query.entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      location
          .append(separator)
          .append(e.getKey())
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
      separator = '&';
    }
    ctx.response()
        .setStatusCode(302)
        .putHeader(HttpHeaders.LOCATION, location.toString())
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store, no-cache")
        .end();
  }

  private void consentPage(RoutingContext ctx, MultiMap params) {
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>Permissions requested - dynagate sandbox</title>\n</head>\n<body>\n")
        .append("<h1>Permissions requested</h1>\n")
        .append("<p>Application <strong id=\"client-id\">")
        .append(escape(params.get("client_id")))
        .append("</strong> wants to:</p>\n<ul id=\"scopes\">\n");
    for (String scope : params.get("scope").trim().split("\\s+")) {
      html.append("<li>").append(escape(scope)).append("</li>\n");
    }
    html.append("</ul>\n<form method=\"post\" action=\"")
        .append(escape(ctx.request().path()))
        .append("\">\n");
    for (String name : PARAMETERS) {
      String value = params.get(name);
      if (value != null) {
        html.append("<input type=\"hidden\" name=\"")
            .append(name)
            .append("\" value=\"")
            .append(escape(value))
            .append("\">\n");
      }
    }
    html.append(
            "<button type=\"submit\" id=\"accept\" name=\"decision\" value=\"accept\">Accept"
                + "</button>\n")
        .append(
            "<button type=\"submit\" id=\"decline\" name=\"decision\" value=\"decline\">Decline"
                + "</button>\n")
        .append("</form>\n</body>\n</html>\n");
    page(ctx, 200, html.toString());
  }

  private static void errorPage(RoutingContext ctx, String message) {
    page(
        ctx,
        400,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "<title>Sign in error - dynagate sandbox</title>\n</head>\n<body>\n"
            + "<h1>Sorry, but we're having trouble signing you in.</h1>\n<p id=\"error\">"
            + escape(message)
            + "</p>\n</body>\n</html>\n");
  }

  private static void page(RoutingContext ctx, int status, String html) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store, no-cache")
        .putHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .end(html);
  }

  /** HTML-escapes text and attribute values. */
  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
