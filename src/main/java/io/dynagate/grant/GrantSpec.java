package io.dynagate.grant;

import java.util.List;

/** Body of {@code PUT …/grants/{principal}}. */
public record GrantSpec(
    String access, List<String> entitySets, Boolean impersonation, List<String> privileges) {

  /** A grant body without privileges. */
  public GrantSpec(String access, List<String> entitySets, Boolean impersonation) {
    this(access, entitySets, impersonation, null);
  }
}
