package io.dynagate.apikey;

import java.util.List;

/** Body of {@code POST /admin/v1/api-keys}; roles default to {@code ["caller"]}. */
public record ApiKeySpec(String principal, List<String> roles) {}
