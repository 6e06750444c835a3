package io.dynagate.sandbox;

import io.dynagate.sandbox.EntityType.ColumnKind;
import io.dynagate.sandbox.EntityType.Navigation;
import io.dynagate.sandbox.EntityType.Reverse;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/data/v9.2/$metadata}: an OData 4.0 CSDL document generated from {@link
 * EntityType}, so the model it describes cannot drift from the one the emulator serves. Namespace
 * {@code Microsoft.Dynamics.CRM}, alias {@code mscrm}, as Dataverse's; per entity type its key,
 * columns with their Edm types (lookups as {@code _x_value} Guids), the single-valued navigation
 * properties that set them (with a referential constraint) and, on the target, their
 * collection-valued partners; the entity container {@code System} with one entity set per type and
 * its navigation property bindings; the function {@code WhoAmI} returning the complex type {@code
 * WhoAmIResponse}, and its function import.
 */
final class MetadataDocument {

  static final String CONTENT_TYPE = "application/xml";

  /** The properties of {@code WhoAmIResponse}, all {@code Edm.Guid}. */
  static final List<String> WHO_AM_I_PROPERTIES =
      List.of("BusinessUnitId", "UserId", "OrganizationId");

  /** The document; the model is fixed, so it is built once. */
  static final String XML = build(EntityType.ALL);

  private MetadataDocument() {}

  static String build(List<EntityType> types) {
    String alias = EntityType.ALIAS + ".";
    StringBuilder x = new StringBuilder();
    x.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
        .append(
            "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n")
        .append("  <edmx:DataServices>\n")
        .append("    <Schema Namespace=\"")
        .append(EntityType.NAMESPACE)
        .append("\" Alias=\"")
        .append(EntityType.ALIAS)
        .append("\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n");
    for (EntityType type : types) {
      entityType(x, type, alias);
    }
    x.append("      <ComplexType Name=\"WhoAmIResponse\">\n");
    for (String property : WHO_AM_I_PROPERTIES) {
      x.append("        ")
          .append(element("Property", "Name", property, "Type", "Edm.Guid", "Nullable", "false"))
          .append('\n');
    }
    x.append("      </ComplexType>\n")
        .append("      <Function Name=\"WhoAmI\">\n")
        .append("        ")
        .append(element("ReturnType", "Type", alias + "WhoAmIResponse", "Nullable", "false"))
        .append('\n')
        .append("      </Function>\n")
        .append("      <EntityContainer Name=\"System\">\n");
    for (EntityType type : types) {
      entitySet(x, type, alias);
    }
    x.append("        ")
        .append(element("FunctionImport", "Name", "WhoAmI", "Function", alias + "WhoAmI"))
        .append('\n')
        .append("      </EntityContainer>\n")
        .append("    </Schema>\n")
        .append("  </edmx:DataServices>\n")
        .append("</edmx:Edmx>\n");
    return x.toString();
  }

  private static void entityType(StringBuilder x, EntityType type, String alias) {
    x.append("      <EntityType Name=\"").append(attr(type.logicalName())).append("\">\n");
    x.append("        <Key>")
        .append(element("PropertyRef", "Name", type.keyName()))
        .append("</Key>\n");
    x.append("        ")
        .append(
            element(
                "Property",
                "Name",
                type.keyName(),
                "Type",
                ColumnKind.LOOKUP.edm(),
                "Nullable",
                "false"))
        .append('\n');
    for (Map.Entry<String, ColumnKind> column : type.columns().entrySet()) {
      ColumnKind kind = column.getValue();
      String element =
          kind == ColumnKind.MONEY
              // Dataverse's money columns: any scale
              ? element(
                  "Property", "Name", column.getKey(), "Type", kind.edm(), "Scale", "Variable")
              : element("Property", "Name", column.getKey(), "Type", kind.edm());
      x.append("        ").append(element).append('\n');
    }
    for (Navigation n : type.navigations()) {
      EntityType target = EntityType.bySetName(n.targetSet()).orElseThrow();
      x.append("        <NavigationProperty Name=\"")
          .append(attr(n.name()))
          .append("\" Type=\"")
          .append(attr(alias + target.logicalName()))
          .append("\" Partner=\"")
          .append(attr(n.partner()))
          .append("\">\n")
          .append("          ")
          .append(
              element(
                  "ReferentialConstraint",
                  "Property",
                  n.lookupColumn(),
                  "ReferencedProperty",
                  target.keyName()))
          .append('\n')
          .append("        </NavigationProperty>\n");
    }
    for (Reverse r : type.reverses()) {
      x.append("        ")
          .append(
              element(
                  "NavigationProperty",
                  "Name",
                  r.name(),
                  "Type",
                  "Collection(" + alias + r.source().logicalName() + ")",
                  "Partner",
                  r.navigation().name()))
          .append('\n');
    }
    x.append("      </EntityType>\n");
  }

  private static void entitySet(StringBuilder x, EntityType type, String alias) {
    x.append("        <EntitySet Name=\"")
        .append(attr(type.setName()))
        .append("\" EntityType=\"")
        .append(attr(alias + type.logicalName()))
        .append("\">\n");
    for (Navigation n : type.navigations()) {
      x.append("          ")
          .append(element("NavigationPropertyBinding", "Path", n.name(), "Target", n.targetSet()))
          .append('\n');
    }
    for (Reverse r : type.reverses()) {
      x.append("          ")
          .append(
              element(
                  "NavigationPropertyBinding", "Path", r.name(), "Target", r.source().setName()))
          .append('\n');
    }
    x.append("        </EntitySet>\n");
  }

  /** {@code <name a="v" … />} from name, value pairs. */
  private static String element(String name, String... attributes) {
    StringBuilder sb = new StringBuilder("<").append(name);
    for (int i = 0; i < attributes.length; i += 2) {
      sb.append(' ')
          .append(attributes[i])
          .append("=\"")
          .append(attr(attributes[i + 1]))
          .append('"');
    }
    return sb.append(" />").toString();
  }

  private static String attr(String value) {
    return value
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
