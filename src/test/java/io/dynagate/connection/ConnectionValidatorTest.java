package io.dynagate.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dynagate.crypto.Secret;
import io.dynagate.crypto.SecretField;
import io.dynagate.problem.FieldError;
import io.dynagate.problem.GatewayProblem;
import io.dynagate.problem.ProblemCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectionValidatorTest {
  private static final String TENANT = "00000000-0000-0000-0000-0000000000aa";
  private static final String CLIENT_ID = "11111111-2222-3333-4444-555555555555";
  private static final String SECRET = "s3cr3t-canary-value";
  private static final String ORG = "https://contoso.crm4.dynamics.com";

  private static final ConnectionValidator STRICT =
      new ConnectionValidator(
          List.of("*.dynamics.com", "localhost"),
          List.of("login.microsoftonline.com", "localhost"),
          false);
  private static final ConnectionValidator WITH_HTTP =
      new ConnectionValidator(
          List.of("*.dynamics.com", "localhost"),
          List.of("login.microsoftonline.com", "localhost"),
          true);
  private static final Set<SecretField> NOTHING_STORED = Set.of();

  /** A mutable spec: each test starts from a valid one and changes what it is about. */
  static final class Spec {
    String id = "contoso";
    String displayName = "Contoso CRM";
    String orgUrl = ORG;
    boolean hasAuth = true;
    String type = "client_credentials";
    String tenantId = TENANT;
    String clientId = CLIENT_ID;
    Secret clientSecret = Secret.of(SECRET);
    List<String> scopes;
    String tokenUrl;
    String authorizeUrl;
    Secret accessToken;
    Instant expiresAt;

    static Spec clientCredentials() {
      return new Spec();
    }

    static Spec authorizationCode() {
      Spec s = new Spec();
      s.type = "authorization_code";
      s.clientSecret = null;
      return s;
    }

    static Spec staticToken() {
      Spec s = new Spec();
      s.type = "static_token";
      s.tenantId = null;
      s.clientId = null;
      s.clientSecret = null;
      s.accessToken = Secret.of("eyJ-static-token");
      return s;
    }

    Spec with(UnaryOperator<Spec> change) {
      return change.apply(this);
    }

    ConnectionSpec build() {
      ConnectionSpec.Auth auth =
          hasAuth
              ? new ConnectionSpec.Auth(
                  type,
                  tenantId,
                  clientId,
                  clientSecret,
                  scopes,
                  tokenUrl,
                  authorizeUrl,
                  accessToken,
                  expiresAt)
              : null;
      return new ConnectionSpec(id, displayName, orgUrl, auth);
    }
  }

  private static ValidConnection valid(ConnectionValidator validator, Spec spec) {
    return validator.validate(spec.build(), NOTHING_STORED);
  }

  /** The field names of the validation problem, in the order they were reported. */
  private static List<String> rejectedFields(
      ConnectionValidator validator, Spec spec, Set<SecretField> stored) {
    GatewayProblem p =
        assertThrows(GatewayProblem.class, () -> validator.validate(spec.build(), stored));
    assertEquals(ProblemCode.VALIDATION_FAILED, p.code());
    p.errors()
        .forEach(
            e -> {
              assertFalse(e.message().isBlank(), "empty message for " + e.field());
              assertFalse(e.message().contains(SECRET), "message quotes the secret");
            });
    return p.errors().stream().map(FieldError::field).toList();
  }

  private static List<String> rejectedFields(ConnectionValidator validator, Spec spec) {
    return rejectedFields(validator, spec, NOTHING_STORED);
  }

  // --- valid connections

  @Test
  void validClientCredentialsConnectionIsAccepted() {
    ValidConnection c = valid(STRICT, Spec.clientCredentials());

    assertEquals("contoso", c.id());
    assertEquals("Contoso CRM", c.displayName());
    assertEquals(ORG, c.orgUrl());
    assertEquals(AuthType.CLIENT_CREDENTIALS, c.type());
    assertEquals(TENANT, c.tenantId());
    assertEquals(CLIENT_ID, c.clientId());
    assertNull(c.scopes(), "defaults are applied on use, not stored");
    assertNull(c.tokenUrl(), "defaults are applied on use, not stored");
    assertEquals(Map.of(SecretField.CLIENT_SECRET, Secret.of(SECRET)), c.secretsToWrite());
    assertEquals(Set.of(SecretField.STATIC_TOKEN, SecretField.REFRESH_TOKEN), c.secretsToDrop());
  }

  @Test
  void absentIdIsAcceptedSoThatOneCanBeGenerated() {
    assertNull(valid(STRICT, Spec.clientCredentials().with(s -> id(s, null))).id());
  }

  @Test
  void explicitEndpointsAndScopesAreKept() {
    String tokenUrl = "https://login.microsoftonline.com/" + TENANT + "/oauth2/v2.0/token";
    ValidConnection c =
        valid(
            STRICT,
            Spec.clientCredentials()
                .with(
                    s -> {
                      s.tokenUrl = tokenUrl;
                      s.scopes = List.of(ORG + "/.default");
                      return s;
                    }));

    assertEquals(tokenUrl, c.tokenUrl());
    assertEquals(List.of(ORG + "/.default"), c.scopes());
  }

  @Test
  void validAuthorizationCodeConnectionNeedsNoClientSecret() {
    ValidConnection c = valid(STRICT, Spec.authorizationCode());

    assertEquals(AuthType.AUTHORIZATION_CODE, c.type());
    assertEquals(Map.of(), c.secretsToWrite());
    assertEquals(Set.of(SecretField.STATIC_TOKEN), c.secretsToDrop());
  }

  @Test
  void validStaticTokenConnectionStoresTheTokenAndDropsOAuthSecrets() {
    Instant expiry = Instant.parse("2030-01-01T00:00:00Z");
    ValidConnection c = valid(STRICT, Spec.staticToken().with(s -> expires(s, expiry)));

    assertEquals(AuthType.STATIC_TOKEN, c.type());
    assertEquals(expiry, c.staticTokenExpiresAt());
    assertEquals(
        Map.of(SecretField.STATIC_TOKEN, Secret.of("eyJ-static-token")), c.secretsToWrite());
    assertEquals(Set.of(SecretField.CLIENT_SECRET, SecretField.REFRESH_TOKEN), c.secretsToDrop());
  }

  // --- orgUrl

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "https://contoso.crm4.dynamics.com, https://contoso.crm4.dynamics.com",
    "https://contoso.crm4.dynamics.com/, https://contoso.crm4.dynamics.com",
    "https://Contoso.CRM4.Dynamics.com/, https://contoso.crm4.dynamics.com",
    "HTTPS://contoso.crm4.dynamics.com, https://contoso.crm4.dynamics.com",
    "https://contoso.crm4.dynamics.com:8443/, https://contoso.crm4.dynamics.com:8443",
    "https://a.b.dynamics.com, https://a.b.dynamics.com",
    "https://localhost:8443, https://localhost:8443",
    "https://LOCALHOST/, https://localhost"
  })
  void orgUrlIsNormalisedToAnOrigin(String orgUrl, String expected) {
    assertEquals(
        expected, valid(STRICT, Spec.clientCredentials().with(s -> org(s, orgUrl))).orgUrl());
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://contoso.crm4.dynamics.com", "http://localhost:8089/"})
  void httpOrgUrlIsRejectedUnlessAllowed(String orgUrl) {
    Spec spec = Spec.clientCredentials().with(s -> org(s, orgUrl));

    assertEquals(List.of("orgUrl"), rejectedFields(STRICT, spec));
    assertEquals(orgUrl.replaceAll("/$", ""), valid(WITH_HTTP, spec).orgUrl());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        // hosts that are not allowed
        "https://evil.com",
        "https://dynamics.com",
        "https://evildynamics.com",
        "https://contoso.dynamics.com.evil.org",
        "https://127.0.0.1",
        // user information, including the classic host-confusion form
        "https://x@evil.com",
        "https://contoso.crm.dynamics.com@evil.com",
        "https://x@contoso.crm4.dynamics.com",
        "https://user:pass@contoso.crm4.dynamics.com",
        // not an origin
        "https://contoso.crm4.dynamics.com/api/data/v9.2",
        "https://contoso.crm4.dynamics.com//",
        "https://contoso.crm4.dynamics.com/main.aspx",
        "https://contoso.crm4.dynamics.com?a=b",
        "https://contoso.crm4.dynamics.com/?",
        "https://contoso.crm4.dynamics.com#x",
        "https://contoso.crm4.dynamics.com/#",
        // not absolute, no host, or not http(s)
        "contoso.crm4.dynamics.com",
        "//contoso.crm4.dynamics.com",
        "/api/data",
        "https:contoso.crm4.dynamics.com",
        "https://",
        "https:///path",
        "ftp://contoso.crm4.dynamics.com",
        "javascript:alert(1)",
        "https://contoso_x.crm4.dynamics.com",
        "https://contoso.crm4.dynamics.com\\@evil.com",
        "https://contoso crm4.dynamics.com",
        "https://contoso.crm4.dynamics.com\t",
        "https://contoso.crm4.dynamics.com\r\n",
        ""
      })
  void badOrgUrlIsRejectedEvenWhenHttpIsAllowed(String orgUrl) {
    Spec spec = Spec.clientCredentials().with(s -> org(s, orgUrl));

    assertEquals(List.of("orgUrl"), rejectedFields(STRICT, spec));
    assertEquals(List.of("orgUrl"), rejectedFields(WITH_HTTP, spec));
  }

  @Test
  void overlongOrgUrlIsRejected() {
    String orgUrl = "https://" + "a".repeat(2040) + ".dynamics.com";

    assertEquals(
        List.of("orgUrl"),
        rejectedFields(STRICT, Spec.clientCredentials().with(s -> org(s, orgUrl))));
  }

  @ParameterizedTest
  @NullSource
  void missingOrgUrlIsRejected(String orgUrl) {
    assertEquals(
        List.of("orgUrl"),
        rejectedFields(STRICT, Spec.clientCredentials().with(s -> org(s, orgUrl))));
  }

  // --- id and display name

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(
      strings = {
        "Contoso",
        "-contoso",
        "con_toso",
        "con toso",
        "contoso.eu",
        "contoso/x",
        "",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // 64 characters
      })
  void invalidIdIsRejected(String id) {
    assertEquals(
        List.of("id"), rejectedFields(STRICT, Spec.clientCredentials().with(s -> id(s, id))));
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(
      strings = {
        "a",
        "0",
        "contoso-2",
        "9contoso",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // 63 characters
      })
  void validIdIsAccepted(String id) {
    assertEquals(id, valid(STRICT, Spec.clientCredentials().with(s -> id(s, id))).id());
  }

  @Test
  void displayNameWithControlCharactersOrOver200CharactersIsRejected() {
    assertEquals(
        List.of("displayName"),
        rejectedFields(STRICT, Spec.clientCredentials().with(s -> name(s, "Contoso\nCRM"))));
    assertEquals(
        List.of("displayName"),
        rejectedFields(STRICT, Spec.clientCredentials().with(s -> name(s, "x".repeat(201)))));
    assertEquals(
        "x".repeat(200),
        valid(STRICT, Spec.clientCredentials().with(s -> name(s, "x".repeat(200)))).displayName());
  }

  // --- auth object and type

  @Test
  void missingAuthIsRejected() {
    Spec spec = Spec.clientCredentials().with(s -> noAuth(s));

    assertEquals(List.of("auth"), rejectedFields(STRICT, spec));
  }

  @Test
  void missingAuthIsReportedTogetherWithEarlierErrors() {
    Spec spec = Spec.clientCredentials().with(s -> noAuth(id(org(s, "https://evil.com"), "Bad")));

    assertEquals(List.of("id", "orgUrl", "auth"), rejectedFields(STRICT, spec));
  }

  @ParameterizedTest(name = "[{0}]")
  @NullSource
  @ValueSource(
      strings = {"", "CLIENT_CREDENTIALS", "client-credentials", "password", "static_token "})
  void unknownAuthTypeIsRejected(String type) {
    Spec spec =
        Spec.clientCredentials()
            .with(
                s -> {
                  s.type = type;
                  return s;
                });

    assertEquals(List.of("auth.type"), rejectedFields(STRICT, spec));
  }

  // --- client_credentials secrets

  @Test
  void clientCredentialsWithoutClientSecretIsRejected() {
    Spec spec = Spec.clientCredentials().with(s -> secret(s, null));

    assertEquals(List.of("auth.clientSecret"), rejectedFields(STRICT, spec));
    assertEquals(
        List.of("auth.clientSecret"),
        rejectedFields(STRICT, spec, Set.of(SecretField.REFRESH_TOKEN, SecretField.STATIC_TOKEN)));
  }

  @Test
  void clientCredentialsWithoutClientSecretIsAcceptedWhenOneIsStored() {
    ValidConnection c =
        STRICT.validate(
            Spec.clientCredentials().with(s -> secret(s, null)).build(),
            Set.of(SecretField.CLIENT_SECRET));

    assertEquals(Map.of(), c.secretsToWrite());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "line\nbreak", "tab\tin"})
  void blankOrControlCharacterClientSecretIsRejectedWithoutQuotingIt(String value) {
    Spec spec = Spec.clientCredentials().with(s -> secret(s, Secret.of(value)));

    GatewayProblem p =
        assertThrows(GatewayProblem.class, () -> STRICT.validate(spec.build(), NOTHING_STORED));

    assertEquals(List.of("auth.clientSecret"), p.errors().stream().map(FieldError::field).toList());
    if (!value.isBlank()) {
      assertFalse(p.errors().get(0).message().contains(value));
    }
  }

  @Test
  void overlongClientSecretIsRejected() {
    assertEquals(
        List.of("auth.clientSecret"),
        rejectedFields(
            STRICT, Spec.clientCredentials().with(s -> secret(s, Secret.of("s".repeat(4097))))));
  }

  @Test
  void clientCredentialsRejectsStaticTokenFields() {
    Spec spec =
        Spec.clientCredentials()
            .with(
                s -> {
                  s.accessToken = Secret.of("eyJ");
                  s.expiresAt = Instant.EPOCH;
                  s.authorizeUrl = "https://login.microsoftonline.com/t/oauth2/v2.0/authorize";
                  return s;
                });

    assertEquals(
        List.of("auth.accessToken", "auth.expiresAt", "auth.authorizeUrl"),
        rejectedFields(STRICT, spec));
  }

  @Test
  void missingClientIdIsRejected() {
    Spec spec =
        Spec.clientCredentials()
            .with(
                s -> {
                  s.clientId = null;
                  return s;
                });

    assertEquals(List.of("auth.clientId"), rejectedFields(STRICT, spec));
  }

  // --- static_token

  @Test
  void staticTokenRequiresAnAccessToken() {
    Spec spec = Spec.staticToken().with(s -> token(s, null));

    assertEquals(List.of("auth.accessToken"), rejectedFields(STRICT, spec));
    assertEquals(
        List.of("auth.accessToken"),
        rejectedFields(STRICT, spec, Set.of(SecretField.CLIENT_SECRET)));
  }

  @Test
  void staticTokenWithoutAccessTokenIsAcceptedWhenOneIsStored() {
    ValidConnection c =
        STRICT.validate(
            Spec.staticToken().with(s -> token(s, null)).build(), Set.of(SecretField.STATIC_TOKEN));

    assertEquals(Map.of(), c.secretsToWrite());
  }

  @Test
  void blankStaticTokenIsRejected() {
    assertEquals(
        List.of("auth.accessToken"),
        rejectedFields(STRICT, Spec.staticToken().with(s -> token(s, Secret.of(" ")))));
  }

  @Test
  void staticTokenRejectsClientSecret() {
    Spec spec = Spec.staticToken().with(s -> secret(s, Secret.of(SECRET)));

    assertEquals(List.of("auth.clientSecret"), rejectedFields(STRICT, spec));
  }

  @Test
  void staticTokenRejectsEveryOAuthField() {
    Spec spec =
        Spec.staticToken()
            .with(
                s -> {
                  s.tenantId = TENANT;
                  s.clientId = CLIENT_ID;
                  s.clientSecret = Secret.of(SECRET);
                  s.scopes = List.of("x");
                  s.tokenUrl = "https://login.microsoftonline.com/t/token";
                  s.authorizeUrl = "https://login.microsoftonline.com/t/authorize";
                  return s;
                });

    assertEquals(
        List.of(
            "auth.tenantId",
            "auth.clientId",
            "auth.clientSecret",
            "auth.scopes",
            "auth.tokenUrl",
            "auth.authorizeUrl"),
        rejectedFields(STRICT, spec));
  }

  // --- identity endpoints

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "https://evil.com/token",
        "https://login.microsoftonline.com.evil.org/t/oauth2/v2.0/token",
        "https://x.login.microsoftonline.com/t/oauth2/v2.0/token",
        "https://login.microsoftonline.com@evil.com/t/oauth2/v2.0/token",
        "https://login.microsoftonline.com/t/oauth2/v2.0/token#frag",
        "http://login.microsoftonline.com/t/oauth2/v2.0/token",
        "/t/oauth2/v2.0/token",
        "not a url"
      })
  void tokenUrlOnADisallowedOrInvalidTargetIsRejected(String tokenUrl) {
    Spec spec = Spec.clientCredentials().with(s -> tokenUrl(s, tokenUrl));

    assertEquals(List.of("auth.tokenUrl"), rejectedFields(STRICT, spec));
  }

  @Test
  void httpTokenUrlIsAcceptedWhenHttpIsAllowed() {
    String tokenUrl = "http://localhost:8089/t/oauth2/v2.0/token";

    assertEquals(
        tokenUrl,
        valid(WITH_HTTP, Spec.clientCredentials().with(s -> tokenUrl(s, tokenUrl))).tokenUrl());
  }

  @Test
  void authorizeUrlOnADisallowedHostIsRejected() {
    Spec spec =
        Spec.authorizationCode()
            .with(
                s -> {
                  s.authorizeUrl = "https://evil.com/authorize";
                  return s;
                });

    assertEquals(List.of("auth.authorizeUrl"), rejectedFields(STRICT, spec));
  }

  @Test
  void defaultTokenUrlMustBeOnAnAllowedIdentityHost() {
    ConnectionValidator govCloudOnly =
        new ConnectionValidator(
            List.of("*.dynamics.com"), List.of("login.microsoftonline.us"), false);

    assertEquals(List.of("auth.tokenUrl"), rejectedFields(govCloudOnly, Spec.clientCredentials()));
    assertEquals(
        List.of("auth.tokenUrl", "auth.authorizeUrl"),
        rejectedFields(govCloudOnly, Spec.authorizationCode()));
  }

  @Test
  void invalidExplicitTokenUrlIsReportedOnceNotAgainAsTheDefault() {
    ConnectionValidator govCloudOnly =
        new ConnectionValidator(
            List.of("*.dynamics.com"), List.of("login.microsoftonline.us"), false);

    assertEquals(
        List.of("auth.tokenUrl"),
        rejectedFields(
            govCloudOnly,
            Spec.clientCredentials().with(s -> tokenUrl(s, "https://evil.com/token"))));
    assertEquals(
        List.of("auth.authorizeUrl"),
        rejectedFields(
            govCloudOnly,
            Spec.authorizationCode()
                .with(
                    s -> {
                      s.tokenUrl = "https://login.microsoftonline.us/t/token";
                      s.authorizeUrl = "https://evil.com/authorize";
                      return s;
                    })));
  }

  @Test
  void explicitTokenUrlOnAnAllowedHostNeedsNoTenant() {
    ConnectionValidator govCloudOnly =
        new ConnectionValidator(
            List.of("*.dynamics.com"), List.of("login.microsoftonline.us"), false);
    String tokenUrl = "https://login.microsoftonline.us/t/oauth2/v2.0/token";

    ValidConnection c =
        valid(
            govCloudOnly, Spec.clientCredentials().with(s -> tokenUrl(tenant(s, null), tokenUrl)));

    assertEquals(tokenUrl, c.tokenUrl());
    assertNull(c.tenantId());
  }

  @Test
  void tenantIsRequiredWithoutEndpointUrls() {
    assertEquals(
        List.of("auth.tenantId"),
        rejectedFields(STRICT, Spec.clientCredentials().with(s -> tenant(s, null))));
    assertEquals(
        List.of("auth.tenantId"),
        rejectedFields(
            STRICT,
            Spec.authorizationCode()
                .with(
                    s -> tokenUrl(tenant(s, null), "https://login.microsoftonline.com/t/token"))));
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(
      strings = {
        "a/b",
        "../evil",
        "..",
        ".",
        "contoso/../x",
        "/contoso",
        ".contoso.onmicrosoft.com",
        "contoso.onmicrosoft.com?x",
        "contoso#x",
        "con toso",
        "contoso%2f..",
        ""
      })
  void tenantIdThatIsNotATenantOrDomainIsRejected(String tenantId) {
    Spec spec = Spec.clientCredentials().with(s -> tenant(s, tenantId));

    assertEquals(List.of("auth.tenantId"), rejectedFields(STRICT, spec));
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {TENANT, "contoso.onmicrosoft.com", "common", "organizations"})
  void tenantIdOrDomainIsAccepted(String tenantId) {
    assertEquals(
        tenantId,
        valid(STRICT, Spec.clientCredentials().with(s -> tenant(s, tenantId))).tenantId());
  }

  // --- scopes

  static Stream<Arguments> badScopes() {
    List<String> tooMany = new ArrayList<>(Collections.nCopies(33, "s"));
    return Stream.of(
        Arguments.of(List.of(), "auth.scopes"),
        Arguments.of(tooMany, "auth.scopes"),
        Arguments.of(List.of(" "), "auth.scopes[0]"),
        Arguments.of(List.of(""), "auth.scopes[0]"),
        Arguments.of(List.of(ORG + "/.default", "a b"), "auth.scopes[1]"),
        Arguments.of(Arrays.asList("ok", null), "auth.scopes[1]"),
        Arguments.of(List.of("x".repeat(513)), "auth.scopes[0]"),
        Arguments.of(List.of("tab\t"), "auth.scopes[0]"));
  }

  @ParameterizedTest
  @MethodSource("badScopes")
  void badScopesAreRejectedNamingTheScope(List<String> scopes, String field) {
    Spec spec =
        Spec.clientCredentials()
            .with(
                s -> {
                  s.scopes = scopes;
                  return s;
                });

    assertEquals(List.of(field), rejectedFields(STRICT, spec));
  }

  @Test
  void upTo32ScopesAreAccepted() {
    List<String> scopes = Collections.nCopies(32, "x".repeat(512));

    assertEquals(
        scopes,
        valid(
                STRICT,
                Spec.clientCredentials()
                    .with(
                        s -> {
                          s.scopes = scopes;
                          return s;
                        }))
            .scopes());
  }

  // --- several errors at once

  @Test
  void everyInvalidFieldIsReportedTogether() {
    Spec spec =
        Spec.clientCredentials()
            .with(
                s -> {
                  s.id = "Bad_Id";
                  s.displayName = "bad\u0007name";
                  s.orgUrl = "http://contoso.crm4.dynamics.com";
                  s.tenantId = "../evil";
                  s.clientId = null;
                  s.clientSecret = null;
                  s.scopes = List.of("ok", " ");
                  s.tokenUrl = "https://evil.com/token";
                  return s;
                });

    assertEquals(
        List.of(
            "id",
            "displayName",
            "orgUrl",
            "auth.tenantId",
            "auth.clientId",
            "auth.clientSecret",
            "auth.scopes[1]",
            "auth.tokenUrl"),
        rejectedFields(STRICT, spec));
  }

  // --- small helpers that keep the tables readable

  private static Spec id(Spec s, String id) {
    s.id = id;
    return s;
  }

  private static Spec name(Spec s, String displayName) {
    s.displayName = displayName;
    return s;
  }

  private static Spec org(Spec s, String orgUrl) {
    s.orgUrl = orgUrl;
    return s;
  }

  private static Spec noAuth(Spec s) {
    s.hasAuth = false;
    return s;
  }

  private static Spec tenant(Spec s, String tenantId) {
    s.tenantId = tenantId;
    return s;
  }

  private static Spec secret(Spec s, Secret clientSecret) {
    s.clientSecret = clientSecret;
    return s;
  }

  private static Spec token(Spec s, Secret accessToken) {
    s.accessToken = accessToken;
    return s;
  }

  private static Spec expires(Spec s, Instant expiresAt) {
    s.expiresAt = expiresAt;
    return s;
  }

  private static Spec tokenUrl(Spec s, String tokenUrl) {
    s.tokenUrl = tokenUrl;
    return s;
  }
}
