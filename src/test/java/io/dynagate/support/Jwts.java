package io.dynagate.support;

import static io.restassured.RestAssured.given;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/**
 * Bearer tokens for tests running under {@link JwtProfile}: genuine ones signed by the {@link
 * TestIssuer}, and forged ones (other key, {@code alg: none}).
 */
public final class Jwts {
  private Jwts() {}

  /** The issuer URL the gateway trusts. */
  public static String issuer() {
    return ConfigProvider.getConfig().getValue("dynagate.jwt.issuer", String.class);
  }

  /** Claims of a valid caller token: right issuer and audience, five minutes to live. */
  public static Map<String, Object> claims(String subject, String... groups) {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> c = new HashMap<>();
    c.put("iss", issuer());
    c.put("aud", TestIssuer.AUDIENCE);
    c.put("sub", subject);
    c.put("iat", now);
    c.put("exp", now + 300);
    if (groups.length > 0) {
      c.put("groups", List.of(groups));
    }
    return c;
  }

  /** A token the trusted issuer signed, with exactly these claims. */
  public static String mint(Map<String, Object> claims) {
    return given()
        .body(new JsonObject(claims).encode())
        .post(issuer() + "/mint")
        .then()
        .statusCode(200)
        .extract()
        .asString();
  }

  /** A valid token for {@code subject} in {@code groups}. */
  public static String token(String subject, String... groups) {
    return mint(claims(subject, groups));
  }

  /** Same header (kid) and claims, signed with a key the issuer never published. */
  public static String signedWithForeignKey(Map<String, Object> claims) {
    try {
      RsaJsonWebKey foreign = RsaJwkGenerator.generateJwk(2048);
      JsonWebSignature jws = new JsonWebSignature();
      jws.setPayload(new JsonObject(claims).encode());
      jws.setKey(foreign.getPrivateKey());
      jws.setKeyIdHeaderValue(TestIssuer.KEY_ID);
      jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
      return jws.getCompactSerialization();
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * HS256 under the issuer's kid, keyed with the issuer's published JWKS document: the classic
   * algorithm-confusion forgery (a verifier that let the token pick the algorithm would accept it).
   */
  public static String hmacSigned(Map<String, Object> claims) {
    byte[] published =
        given().get(issuer() + "/keys").then().statusCode(200).extract().asByteArray();
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(new JsonObject(claims).encode());
    jws.setKey(new HmacKey(published));
    jws.setDoKeyValidation(false);
    jws.setKeyIdHeaderValue(TestIssuer.KEY_ID);
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
    try {
      return jws.getCompactSerialization();
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned token ({@code alg: none}) with the issuer's kid and these claims. */
  public static String unsigned(Map<String, Object> claims) {
    String header = "{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + TestIssuer.KEY_ID + "\"}";
    return b64(header) + "." + b64(new JsonObject(claims).encode()) + ".";
  }

  /** A genuine token with its payload swapped for other claims (signature no longer matches). */
  public static String tampered(String token, Map<String, Object> claims) {
    String[] parts = token.split("\\.");
    return parts[0] + "." + b64(new JsonObject(claims).encode()) + "." + parts[2];
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
