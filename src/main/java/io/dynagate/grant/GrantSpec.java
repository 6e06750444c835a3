package io.dynagate.grant;

import java.util.List;

/** Body of {@code PUT …/grants/{principal}}. */
public record GrantSpec(String access, List<String> entitySets, Boolean impersonation) {}
