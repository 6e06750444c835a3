package io.dynagate.grant;

import io.dynagate.problem.FieldError;
import io.dynagate.problem.GatewayProblem;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a grant body; pure, unit-tested without Quarkus. Public for declarative provisioning,
 * which checks a whole file before it writes anything.
 */
public final class GrantValidator {
  private static final Pattern ENTITY_SET = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final int MAX_ENTITY_SETS = 500;

  private GrantValidator() {}

  /**
   * A valid grant body: access level, the de-duplicated entity sets (null = all) and privileges (in
   * {@link Privilege} order).
   */
  public record Valid(
      Access access, List<String> entitySets, boolean impersonation, List<Privilege> privileges) {}

  /**
   * Validates a grant body.
   *
   * @throws GatewayProblem {@code validation_failed} listing every invalid field
   */
  public static Valid validate(GrantSpec spec) {
    List<FieldError> errors = new ArrayList<>();
    Access access = null;
    if (spec.access() == null) {
      errors.add(new FieldError("access", "is required: read, write or full"));
    } else {
      access = Access.fromWire(spec.access()).orElse(null);
      if (access == null) {
        errors.add(new FieldError("access", "must be read, write or full"));
      }
    }
    List<String> sets = null;
    if (spec.entitySets() != null) {
      if (spec.entitySets().isEmpty() || spec.entitySets().size() > MAX_ENTITY_SETS) {
        errors.add(
            new FieldError("entitySets", "1-500 entity set names; omit it to allow every set"));
      } else {
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (int i = 0; i < spec.entitySets().size(); i++) {
          String s = spec.entitySets().get(i);
          if (s == null || !ENTITY_SET.matcher(s).matches()) {
            errors.add(new FieldError("entitySets[" + i + "]", "is not an entity set name"));
          } else {
            unique.add(s);
          }
        }
        sets = List.copyOf(unique);
      }
    }
    EnumSet<Privilege> privileges = EnumSet.noneOf(Privilege.class);
    if (spec.privileges() != null) {
      for (int i = 0; i < spec.privileges().size(); i++) {
        String p = spec.privileges().get(i);
        Privilege known = p == null ? null : Privilege.fromWire(p).orElse(null);
        if (known == null) {
          errors.add(
              new FieldError(
                  "privileges[" + i + "]", "must be bypassBusinessLogic or suppressFlows"));
        } else {
          privileges.add(known);
        }
      }
    }
    if (!errors.isEmpty()) {
      throw GatewayProblem.validation(errors);
    }
    return new Valid(
        access, sets, Boolean.TRUE.equals(spec.impersonation()), List.copyOf(privileges));
  }
}
