package io.dynagate.access;

import io.dynagate.apikey.ApiKeyPrincipal;
import io.dynagate.apikey.ApiKeyService;
import io.dynagate.apikey.ApiKeys;
import io.dynagate.config.DynagateConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Turns an API key into an identity: the bootstrap admin key (compared as hashes in constant time)
 * or a stored, unrevoked key.
 */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyAuthenticationRequest> {
  /** Principal of the bootstrap admin key. */
  public static final String BOOTSTRAP_PRINCIPAL = "bootstrap-admin";

  private final ApiKeyService keys;
  private final byte[] bootstrapHash;

  ApiKeyIdentityProvider(ApiKeyService keys, DynagateConfig config) {
    this.keys = keys;
    this.bootstrapHash =
        config.adminKey().filter(k -> !k.isBlank()).map(ApiKeys::sha256).orElse(null);
  }

  /** Whether {@code presented} is the bootstrap admin key (hashes compared in constant time). */
  boolean isBootstrapKey(String presented) {
    return bootstrapHash != null && ApiKeys.sameHash(bootstrapHash, ApiKeys.sha256(presented));
  }

  @Override
  public Class<ApiKeyAuthenticationRequest> getRequestType() {
    return ApiKeyAuthenticationRequest.class;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      ApiKeyAuthenticationRequest request, AuthenticationRequestContext context) {
    String presented = request.key().reveal();
    if (isBootstrapKey(presented)) {
      return Uni.createFrom()
          .item(identity(BOOTSTRAP_PRINCIPAL, Set.of(Roles.ADMIN, Roles.CALLER), null));
    }
    return keys.authenticate(presented)
        .map(
            found ->
                found
                    .map(ApiKeyIdentityProvider::identity)
                    .orElseThrow(AuthenticationFailedException::new));
  }

  private static SecurityIdentity identity(ApiKeyPrincipal p) {
    return identity(p.principal(), p.roles(), p.keyId());
  }

  private static SecurityIdentity identity(String principal, Set<String> roles, String keyId) {
    QuarkusSecurityIdentity.Builder b =
        QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal(principal))
            .addRoles(roles);
    if (keyId != null) {
      b.addAttribute(Roles.API_KEY_ID_ATTRIBUTE, keyId);
    }
    return b.build();
  }
}
