package io.dynagate.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynagate.config.DynagateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Tells whether a bearer value looks like a token of the gateway's own issuer and audience, without
 * verifying it: only to decide that {@code X-Api-Key} plus such a token are two credentials (401),
 * while a token for anything else (a client's Dataverse token) is ignored. Verification stays with
 * Quarkus OIDC.
 */
@ApplicationScoped
class GatewayJwts {
  /** Longer tokens are not looked into (Vert.x caps a header line at 8 KiB anyway). */
  private static final int MAX_LENGTH = 16 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Optional<String> issuer;
  private final List<String> audiences;

  @Inject
  GatewayJwts(DynagateConfig config) {
    this(config.jwt().issuer(), config.jwt().audience().orElse(List.of()));
  }

  GatewayJwts(Optional<String> issuer, List<String> audiences) {
    this.issuer = issuer.filter(i -> !i.isBlank()).map(GatewayJwts::stripSlash);
    this.audiences = List.copyOf(audiences);
  }

  /** {@code iss} is the configured issuer and {@code aud} names a configured audience. */
  boolean test(String bearer) {
    if (issuer.isEmpty() || bearer.length() > MAX_LENGTH) {
      return false;
    }
    int headerEnd = bearer.indexOf('.');
    int payloadEnd = headerEnd < 0 ? -1 : bearer.indexOf('.', headerEnd + 1);
    if (payloadEnd < 0 || bearer.indexOf('.', payloadEnd + 1) >= 0) {
      return false; // not three dot-separated parts
    }
    JsonNode claims;
    try {
      claims =
          JSON.readTree(Base64.getUrlDecoder().decode(bearer.substring(headerEnd + 1, payloadEnd)));
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
    if (claims == null || !claims.isObject()) {
      return false;
    }
    JsonNode iss = claims.get("iss");
    if (iss == null || !iss.isTextual() || !stripSlash(iss.asText()).equals(issuer.get())) {
      return false;
    }
    JsonNode aud = claims.get("aud");
    if (aud == null) {
      return false;
    }
    if (aud.isTextual()) {
      return audiences.contains(aud.asText());
    }
    for (JsonNode a : aud) {
      if (a.isTextual() && audiences.contains(a.asText())) {
        return true;
      }
    }
    return false;
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
