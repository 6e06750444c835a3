package io.dynagate.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.config.DynagateConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.config.SmallRyeConfigBuilder;
import jakarta.json.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/**
 * Claim mapping with non-default settings (principal claim {@code oid}, groups claim {@code
 * roles}), on verified tokens as Quarkus OIDC hands them over.
 */
class JwtIdentityAugmentorTest {

  private static JwtIdentityAugmentor augmentor(Map<String, String> settings) {
    DynagateConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(DynagateConfig.class)
            .withDefaultValues(settings)
            .build()
            .getConfigMapping(DynagateConfig.class);
    return new JwtIdentityAugmentor(config);
  }

  private static final JwtIdentityAugmentor ENTRA_STYLE =
      augmentor(
          Map.of(
              "dynagate.jwt.principal-claim", "oid",
              "dynagate.jwt.groups-claim", "roles",
              "dynagate.jwt.admin-group", "Gateway.Admin"));

  /** A verified token: only the claims matter here. */
  private record Token(Map<String, Object> claims) implements JsonWebToken {
    @Override
    public String getName() {
      return (String) claims.get("sub");
    }

    @Override
    public Set<String> getClaimNames() {
      return claims.keySet();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getClaim(String name) {
      return (T) claims.get(name);
    }
  }

  private static SecurityIdentity verified(Map<String, Object> claims) {
    return QuarkusSecurityIdentity.builder()
        .setPrincipal(new Token(claims))
        .addRoles(Set.of("admin", "caller", "everything"))
        .build();
  }

  private static SecurityIdentity augment(JwtIdentityAugmentor a, Map<String, Object> claims) {
    return a.augment(verified(claims), null).await().indefinitely();
  }

  @Test
  void principalAndGroupsComeFromTheConfiguredClaims() {
    Map<String, Object> claims = new HashMap<>();
    claims.put("sub", "pairwise-subject");
    claims.put("oid", Json.createValue("7f0c-object-id"));
    claims.put("roles", Json.createArrayBuilder().add("Orders.Read").add("Team A").build());
    SecurityIdentity id = augment(ENTRA_STYLE, claims);
    assertEquals("7f0c-object-id", id.getPrincipal().getName());
    assertEquals(Set.of("caller"), id.getRoles(), "the token's own roles are dropped");
    assertEquals(
        List.of("7f0c-object-id", "group:Orders.Read"),
        Roles.principals(id),
        "a group value that is not a principal name cannot match a grant and is dropped");
  }

  @Test
  void theAdminGroupAddsTheAdminRole() {
    SecurityIdentity id =
        augment(ENTRA_STYLE, Map.of("oid", "x", "roles", List.of("Gateway.Admin")));
    assertEquals(Set.of("caller", "admin"), id.getRoles());
    assertTrue(id.hasRole(Roles.ADMIN));
  }

  @Test
  void aSingleStringGroupsClaimCountsAsOneGroup() {
    SecurityIdentity id = augment(ENTRA_STYLE, Map.of("oid", "x", "roles", "Orders.Read"));
    assertEquals(List.of("x", "group:Orders.Read"), Roles.principals(id));
  }

  @Test
  void atMostMaxGroupsAreTaken() {
    List<String> many = IntStream.range(0, 1000).mapToObj(i -> "g" + i).toList();
    SecurityIdentity id = augment(ENTRA_STYLE, Map.of("oid", "x", "roles", many));
    assertEquals(JwtIdentityAugmentor.MAX_GROUPS + 1, Roles.principals(id).size());
  }

  @Test
  void missingInvalidOrGroupShapedPrincipalsAreRefused() {
    for (Map<String, Object> claims :
        List.<Map<String, Object>>of(
            Map.of("sub", "has-sub-but-no-oid"),
            Map.of("oid", ""),
            Map.of("oid", "with space"),
            Map.of("oid", "group:Gateway.Admin"),
            Map.of("oid", List.of("a", "b")))) {
      Throwable t =
          ENTRA_STYLE
              .augment(verified(claims), null)
              .onItem()
              .transform(i -> (Throwable) null)
              .onFailure()
              .recoverWithItem(e -> e)
              .await()
              .indefinitely();
      assertInstanceOf(AuthenticationFailedException.class, t, claims.toString());
    }
  }

  @Test
  void apiKeyAndAnonymousIdentitiesPassUnchanged() {
    SecurityIdentity apiKey =
        QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal("engine-1"))
            .addRole("caller")
            .build();
    assertSame(apiKey, ENTRA_STYLE.augment(apiKey, null).await().indefinitely());
    assertFalse(Roles.principals(apiKey).stream().anyMatch(p -> p.startsWith("group:")));
  }
}
