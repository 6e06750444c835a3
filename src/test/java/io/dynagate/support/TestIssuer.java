package io.dynagate.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * A small OIDC issuer for tests (what Keycloak or Entra ID is in production): OIDC discovery, a
 * JWKS with one RSA key, and {@code POST /mint}, which signs the posted JSON claims as they are
 * (the test decides {@code iss}, {@code aud}, {@code exp}; nothing is added). Loopback only, free
 * port, started before Quarkus so the gateway's OIDC configuration can point at it.
 *
 * <p>Config it hands to the gateway: {@code dynagate.jwt.issuer} (its base URL), {@code
 * dynagate.jwt.audience} = {@link #AUDIENCE}, {@code dynagate.jwt.admin-group} = {@link
 * #ADMIN_GROUP}.
 */
public class TestIssuer implements QuarkusTestResourceLifecycleManager {
  public static final String AUDIENCE = "dynagate-test";
  public static final String ADMIN_GROUP = "dynagate-admins";
  public static final String KEY_ID = "test-key-1";

  private HttpServer server;
  private final AtomicInteger keyRequests = new AtomicInteger();

  @Override
  public Map<String, String> start() {
    try {
      RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
      key.setKeyId(KEY_ID);
      key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
      key.setUse("sig");
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/issuer";
      String discovery =
          "{\"issuer\":\""
              + base
              + "\",\"jwks_uri\":\""
              + base
              + "/keys\",\"response_types_supported\":[\"code\"],"
              + "\"subject_types_supported\":[\"public\"],"
              + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
      String jwks = new JsonWebKeySet(key).toJson();
      server.createContext(
          "/issuer/.well-known/openid-configuration", x -> reply(x, 200, discovery));
      server.createContext(
          "/issuer/keys",
          x -> {
            keyRequests.incrementAndGet();
            reply(x, 200, jwks);
          });
      server.createContext("/issuer/mint", x -> mint(x, key));
      server.start();
      return Map.of(
          "dynagate.jwt.issuer", base,
          "dynagate.jwt.audience", AUDIENCE,
          "dynagate.jwt.admin-group", ADMIN_GROUP);
    } catch (IOException | JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void mint(HttpExchange x, RsaJsonWebKey key) throws IOException {
    try (InputStream in = x.getRequestBody()) {
      JsonWebSignature jws = new JsonWebSignature();
      jws.setPayload(
          JwtClaims.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)).toJson());
      jws.setKey(key.getPrivateKey());
      jws.setKeyIdHeaderValue(key.getKeyId());
      jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
      reply(x, 200, jws.getCompactSerialization());
    } catch (Exception e) {
      reply(x, 400, String.valueOf(e.getMessage()));
    }
  }

  private static void reply(HttpExchange x, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, bytes.length);
    try (var out = x.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
    }
  }
}
