package io.dynagate.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The requests the sandbox tests send, over a blocking JDK HTTP client, to the sandbox that {@link
 * SandboxExtension} started for the test class.
 */
abstract class SandboxHttp {

  static final String TENANT = "contoso-tenant";
  static final String API = "/api/data/v9.2/";

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** The started sandbox. */
  abstract SandboxServer server();

  String url(String pathAndQuery) {
    return server().baseUrl() + pathAndQuery;
  }

  /**
   * The Web API's service root as OData clients take it, {@code
   * http://localhost:port/api/data/v9.2}.
   */
  String serviceRoot() {
    return url(API.substring(0, API.length() - 1));
  }

  /** The service root with its trailing slash: what {@code @odata.context} and ids start with. */
  String root() {
    return url(API);
  }

  /** Sends a request; {@code headers} are name, value pairs. */
  HttpResponse<String> send(String method, String url, String body, String... headers) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(url.startsWith("http") ? url : url(url)))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    try {
      return client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** POSTs a form to the token endpoint. */
  HttpResponse<String> tokenRequest(Map<String, String> form, String... headers) {
    String body =
        form.entrySet().stream()
            .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
            .collect(Collectors.joining("&"));
    return send(
        "POST",
        "/" + TENANT + "/oauth2/v2.0/token",
        body,
        prepend(headers, "Content-Type", "application/x-www-form-urlencoded"));
  }

  /** The client credentials form with the sandbox's default client. */
  Map<String, String> clientCredentials() {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    form.put("client_id", server().options().clientId());
    form.put("client_secret", server().options().clientSecret());
    form.put("scope", server().baseUrl() + "/.default");
    return form;
  }

  /** A fresh access token. */
  String token() {
    HttpResponse<String> response = tokenRequest(clientCredentials());
    assertEquals(200, response.statusCode(), response.body());
    return new JsonObject(response.body()).getString("access_token");
  }

  /** A Web API call with {@code token} and the usual Dataverse headers, then {@code headers}. */
  HttpResponse<String> apiWith(
      String token, String method, String path, String body, String... headers) {
    return send(
        method,
        target(path),
        body,
        prepend(
            headers,
            "Authorization",
            "Bearer " + token,
            "Accept",
            "application/json",
            "OData-MaxVersion",
            "4.0",
            "OData-Version",
            "4.0",
            "Content-Type",
            "application/json"));
  }

  /** A PKCE verifier (43 characters) and its S256 challenge, computed here, not by the sandbox. */
  static final String VERIFIER = "dBjftJeZ4CVP-mJ92K9VWj1ZXvHZqnGU-B-fKfOdKsA";

  static final String CHALLENGE = s256(VERIFIER);

  private static String s256(String verifier) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256")
                  .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static final String REDIRECT_URI = "http://localhost:9/oauth2/callback";

  static final String AUTHORIZE = "/" + TENANT + "/oauth2/v2.0/authorize";

  /** The authorize parameters of a valid request with the default client. */
  Map<String, String> authorizeParams(String state) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("client_id", server().options().clientId());
    params.put("response_type", "code");
    params.put("redirect_uri", REDIRECT_URI);
    params.put("scope", server().baseUrl() + "/user_impersonation offline_access");
    params.put("state", state);
    params.put("code_challenge", CHALLENGE);
    params.put("code_challenge_method", "S256");
    return params;
  }

  /** {@code GET /{tenant}/oauth2/v2.0/authorize?…}. */
  HttpResponse<String> authorize(Map<String, String> params) {
    return send("GET", AUTHORIZE + "?" + form(params), null);
  }

  /** {@code POST /{tenant}/oauth2/v2.0/authorize} with the consent form. */
  HttpResponse<String> consent(Map<String, String> params, String decision) {
    Map<String, String> form = new LinkedHashMap<>(params);
    form.put("decision", decision);
    return send("POST", AUTHORIZE, form(form), "Content-Type", "application/x-www-form-urlencoded");
  }

  /** A fresh authorization code for the default client, {@link #REDIRECT_URI} and PKCE. */
  String code() {
    HttpResponse<String> response = consent(authorizeParams("s"), "accept");
    assertEquals(302, response.statusCode(), response.body());
    return query(response.headers().firstValue("Location").orElseThrow()).get("code");
  }

  /** The authorization code redemption form (public client, right verifier). */
  Map<String, String> redeemForm(String code) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("client_id", server().options().clientId());
    form.put("code", code);
    form.put("redirect_uri", REDIRECT_URI);
    form.put("code_verifier", VERIFIER);
    return form;
  }

  /** The refresh token form (public client). */
  Map<String, String> refreshForm(String refreshToken) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("client_id", server().options().clientId());
    form.put("refresh_token", refreshToken);
    form.put("scope", server().baseUrl() + "/user_impersonation offline_access");
    return form;
  }

  /** Tokens from a full authorization code flow. */
  JsonObject userTokens() {
    HttpResponse<String> response = tokenRequest(redeemForm(code()));
    assertEquals(200, response.statusCode(), response.body());
    return json(response);
  }

  /** The decoded query of a URL (the last value of a repeated name wins). */
  static Map<String, String> query(String url) {
    Map<String, String> result = new LinkedHashMap<>();
    int q = url.indexOf('?');
    if (q < 0) {
      return result;
    }
    for (String pair : url.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      result.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return result;
  }

  static String form(Map<String, String> form) {
    return form.entrySet().stream()
        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  JsonObject stats() {
    return new JsonObject(send("GET", "/_sandbox/stats", null).body());
  }

  JsonArray requests() {
    return new JsonArray(send("GET", "/_sandbox/requests", null).body());
  }

  HttpResponse<String> knobs(JsonObject knobs) {
    return send("POST", "/_sandbox/knobs", knobs.encode(), "Content-Type", "application/json");
  }

  void reset() {
    assertEquals(204, send("POST", "/_sandbox/reset", null).statusCode());
  }

  /** A Web API URL as it is, or a path below {@link #API}. */
  static String target(String path) {
    return path.startsWith("http") ? path : API + path;
  }

  /** {@code first} then {@code rest}: name, value pairs of headers. */
  static String[] prepend(String[] rest, String... first) {
    String[] all = new String[first.length + rest.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(rest, 0, all, first.length, rest.length);
    return all;
  }

  static JsonObject json(HttpResponse<String> response) {
    return new JsonObject(response.body());
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
