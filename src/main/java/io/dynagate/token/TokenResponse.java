package io.dynagate.token;

import io.dynagate.crypto.Secret;
import java.util.Optional;

/** A token endpoint's success: the access token and, for delegated grants, a refresh token. */
public record TokenResponse(AccessToken accessToken, Optional<Secret> refreshToken) {}
