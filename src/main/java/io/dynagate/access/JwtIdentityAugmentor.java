package io.dynagate.access;

import io.dynagate.config.DynagateConfig;
import io.dynagate.config.PrincipalNames;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Turns a JWT that Quarkus OIDC has verified (signature, expiry, issuer, audience) into a dynagate
 * identity: principal from {@code dynagate.jwt.principal-claim}, one {@code group:<v>} principal
 * per value of {@code dynagate.jwt.groups-claim}, role {@code caller}, and role {@code admin} only
 * for members of {@code dynagate.jwt.admin-group}. The token's own roles and groups never become
 * dynagate roles (a token with {@code "groups":["admin"]} is not an admin).
 *
 * <p>Refused (401): no principal claim, a principal that is not a valid principal name, or one that
 * starts with {@code group:} (it would pose as a group). Group values that are not valid principal
 * names cannot match a grant and are dropped.
 */
@ApplicationScoped
public class JwtIdentityAugmentor implements SecurityIdentityAugmentor {
  /** At most this many groups are taken from one token (Entra ID sends at most 200). */
  static final int MAX_GROUPS = 256;

  private final DynagateConfig.Jwt config;

  JwtIdentityAugmentor(DynagateConfig config) {
    this.config = config.jwt();
  }

  @Override
  public int priority() {
    return Integer.MIN_VALUE; // last: nothing may add roles after this
  }

  @Override
  public Uni<SecurityIdentity> augment(
      SecurityIdentity identity, AuthenticationRequestContext context) {
    if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
      return Uni.createFrom().item(identity);
    }
    String principal = stringClaim(jwt, config.principalClaim());
    if (!PrincipalNames.isValid(principal) || principal.startsWith(PrincipalNames.GROUP_PREFIX)) {
      return Uni.createFrom().failure(new AuthenticationFailedException());
    }
    List<String> groups = groups(jwt);
    Set<String> roles = new LinkedHashSet<>();
    roles.add(Roles.CALLER);
    config
        .adminGroup()
        .filter(g -> groups.contains(PrincipalNames.GROUP_PREFIX + g))
        .ifPresent(g -> roles.add(Roles.ADMIN));
    return Uni.createFrom()
        .item(
            QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(principal))
                .addCredentials(identity.getCredentials())
                .addRoles(roles)
                .addAttribute(Roles.GROUPS_ATTRIBUTE, groups)
                .build());
  }

  private static String stringClaim(JsonWebToken jwt, String name) {
    Object value = jwt.getClaim(name);
    if (value instanceof jakarta.json.JsonString s) {
      return s.getString();
    }
    return value instanceof String s ? s : null;
  }

  private List<String> groups(JsonWebToken jwt) {
    Object value = jwt.getClaim(config.groupsClaim());
    Collection<?> values;
    if (value instanceof Collection<?> c) {
      values = c;
    } else if (value != null) {
      values = List.of(value);
    } else {
      values = List.of();
    }
    Set<String> groups = new LinkedHashSet<>();
    for (Object v : values) {
      String name = v instanceof jakarta.json.JsonString s ? s.getString() : String.valueOf(v);
      if (v != null && PrincipalNames.isValid(PrincipalNames.GROUP_PREFIX + name)) {
        groups.add(PrincipalNames.GROUP_PREFIX + name);
      }
      if (groups.size() == MAX_GROUPS) {
        break;
      }
    }
    return List.copyOf(groups);
  }
}
