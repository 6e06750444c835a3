package io.dynagate.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Whether a bearer value looks like a token of the gateway's own issuer and audience. */
class GatewayJwtsTest {
  private static final String ISSUER = "https://idp.example.com/realms/dynagate";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}");
  private static final String SIGNATURE = B64.encodeToString(new byte[256]);

  private final GatewayJwts jwts =
      new GatewayJwts(Optional.of(ISSUER), List.of("dynagate", "dynagate-batch"));

  static Stream<Arguments> payloads() {
    return Stream.of(
        // behaviour, claims, looks like the gateway's
        row("issuer and audience string", "{'iss':'%s','aud':'dynagate'}", true),
        row("issuer with a trailing slash", "{'iss':'%s/','aud':'dynagate'}", true),
        row("the second configured audience", "{'iss':'%s','aud':'dynagate-batch'}", true),
        row("audience array naming ours", "{'iss':'%s','aud':['account','dynagate']}", true),
        row(
            "audience array naming ours after non-strings",
            "{'iss':'%s','aud':[1,null,{},'dynagate']}",
            true),
        row("other claims do not matter", "{'sub':'x','iss':'%s','exp':1,'aud':'dynagate'}", true),
        row("wrong audience", "{'iss':'%s','aud':'account'}", false),
        row("audience array without ours", "{'iss':'%s','aud':['account','dynagate2']}", false),
        row("empty audience array", "{'iss':'%s','aud':[]}", false),
        row("audience differing in case", "{'iss':'%s','aud':'Dynagate'}", false),
        row("audience as a number", "{'iss':'%s','aud':42}", false),
        row("audience null", "{'iss':'%s','aud':null}", false),
        row("no audience", "{'iss':'%s'}", false),
        row(
            "other issuer",
            "{'iss':'https://login.microsoftonline.com/t/v2.0','aud':'dynagate'}",
            false),
        row("issuer as a prefix", "{'iss':'%s-evil','aud':'dynagate'}", false),
        row("issuer as an extension", "{'iss':'%s/sub','aud':'dynagate'}", false),
        row("issuer with two trailing slashes", "{'iss':'%s//','aud':'dynagate'}", false),
        row(
            "issuer differing in case",
            "{'iss':'HTTPS://IDP.EXAMPLE.COM/realms/dynagate','aud':'dynagate'}",
            false),
        row("issuer as an array", "{'iss':['%s'],'aud':'dynagate'}", false),
        row("issuer null", "{'iss':null,'aud':'dynagate'}", false),
        row("no issuer", "{'aud':'dynagate'}", false),
        row("payload is an array", "[{'iss':'%s','aud':'dynagate'}]", false),
        row("payload is a string", "'%s'", false),
        row("payload is a number", "42", false),
        row("payload is null", "null", false),
        row("payload is empty", "", false),
        row("payload is truncated JSON", "{'iss':'%s','aud':", false),
        row("payload is not JSON", "iss=%s&aud=dynagate", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("payloads")
  void aTokenCountsAsTheGatewaysByItsIssuerAndAudience(
      String behaviour, String claims, boolean expected) {
    assertEquals(expected, jwts.test(HEADER + "." + b64(claims) + "." + SIGNATURE));
  }

  @Test
  void neitherHeaderNorSignatureIsVerified() {
    String payload = b64(json("{'iss':'%s','aud':'dynagate'}"));
    assertTrue(jwts.test("x." + payload + "."), "unsigned, garbage header");
    assertTrue(jwts.test("." + payload + ".sig"));
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(
      strings = {
        "",
        "dgk_AAAA",
        "only.two",
        "a.b.c.d",
        "a..b.c",
        "header.!!!.sig",
        "header.eyJpc3MiOiJ9.sig",
        "header.e30=x.sig",
      })
  void malformedTokensAreNotTheGateways(String bearer) {
    assertFalse(jwts.test(bearer));
  }

  @Test
  void aPayloadInStandardBase64IsNotAJwt() {
    // '?' and '>' in the JSON make standard base64 use '/' and '+', which base64url does not know
    String json = json("{'iss':'%s','aud':'dynagate','x':'???>>>'}");
    String standard = Base64.getEncoder().withoutPadding().encodeToString(bytes(json));
    assertTrue(standard.contains("/") || standard.contains("+"), standard);
    assertFalse(jwts.test(HEADER + "." + standard + "." + SIGNATURE));
    assertTrue(jwts.test(HEADER + "." + b64(json) + "." + SIGNATURE), "base64url of the same");
  }

  @Test
  void tokensOver16KiBAreNotLookedInto() {
    String token = HEADER + "." + b64(json("{'iss':'%s','aud':'dynagate'}")) + ".";
    String atLimit = token + "s".repeat(16 * 1024 - token.length());
    assertEquals(16 * 1024, atLimit.length());

    assertTrue(jwts.test(atLimit));
    assertFalse(jwts.test(atLimit + "s"));
  }

  @Test
  void aConfiguredIssuerWithATrailingSlashMatchesTokensWithAndWithout() {
    GatewayJwts slash = new GatewayJwts(Optional.of(ISSUER + "/"), List.of("dynagate"));
    assertTrue(slash.test(token("{'iss':'%s','aud':'dynagate'}")));
    assertTrue(slash.test(token("{'iss':'%s/','aud':'dynagate'}")));
  }

  @ParameterizedTest(name = "issuer [{0}]")
  @ValueSource(strings = {"", "   "})
  void noTokenIsTheGatewaysWithoutAConfiguredIssuer(String issuer) {
    String perfect = token("{'iss':'%s','aud':'dynagate'}");
    assertFalse(new GatewayJwts(Optional.empty(), List.of("dynagate")).test(perfect));
    assertFalse(new GatewayJwts(Optional.of(issuer), List.of("dynagate")).test(perfect));
    // a token whose iss is empty does not match an empty issuer either
    assertFalse(
        new GatewayJwts(Optional.of(issuer), List.of("dynagate"))
            .test(HEADER + "." + b64("{\"iss\":\"\",\"aud\":\"dynagate\"}") + "."));
  }

  @Test
  void noTokenIsTheGatewaysWithoutAConfiguredAudience() {
    assertFalse(
        new GatewayJwts(Optional.of(ISSUER), List.of())
            .test(token("{'iss':'%s','aud':'dynagate'}")));
  }

  private static String token(String claims) {
    return HEADER + "." + b64(json(claims)) + "." + SIGNATURE;
  }

  private static Arguments row(String behaviour, String claims, boolean expected) {
    return Arguments.of(behaviour, json(claims), expected);
  }

  /** Single quotes stand for double quotes; {@code %s} for the configured issuer. */
  private static String json(String template) {
    return template.replace('\'', '"').replace("%s", ISSUER);
  }

  private static String b64(String s) {
    return B64.encodeToString(bytes(s));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
