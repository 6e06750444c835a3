package io.dynagate.sandbox;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** The records every sandbox starts with (and gets back on reset). Keys are fixed. */
final class SeedData {

  static final UUID CONTOSO = UUID.fromString("0f9d6f4a-1c2b-4e8a-9f10-000000000001");
  static final UUID FABRIKAM = UUID.fromString("0f9d6f4a-1c2b-4e8a-9f10-000000000002");
  static final UUID ADVENTURE_WORKS = UUID.fromString("0f9d6f4a-1c2b-4e8a-9f10-000000000003");
  static final UUID NORTHWIND = UUID.fromString("0f9d6f4a-1c2b-4e8a-9f10-000000000004");
  static final UUID LITWARE = UUID.fromString("0f9d6f4a-1c2b-4e8a-9f10-000000000005");

  private SeedData() {}

  static void load(EntityStore store) {
    account(store, CONTOSO, "Contoso Ltd", "ACC-001", "555-0100", 1_500_000, 0);
    account(store, FABRIKAM, "Fabrikam Inc", "ACC-002", "555-0101", 850_000, 0);
    account(store, ADVENTURE_WORKS, "Adventure Works", "ACC-003", "555-0102", 2_300_000, 0);
    account(store, NORTHWIND, "Northwind Traders", "ACC-004", "555-0103", 420_000, 1);
    account(store, LITWARE, "Litware Inc", "ACC-005", "555-0104", 1_500_000, 0);

    contact(store, 1, "Yvonne", "McKay", "yvonne.mckay@contoso.example", CONTOSO);
    contact(store, 2, "Susanna", "Stubberod", "susanna.stubberod@contoso.example", CONTOSO);
    contact(store, 3, "Nancy", "Anderson", "nancy.anderson@fabrikam.example", FABRIKAM);
    contact(
        store, 4, "Maria", "Campbell", "maria.campbell@adventure-works.example", ADVENTURE_WORKS);
    contact(store, 5, "Scott", "Konersmann", "scott.konersmann@example.org", null);
  }

  private static void account(
      EntityStore store,
      UUID id,
      String name,
      String number,
      String phone,
      long revenue,
      int statecode) {
    store.put(
        EntityType.ACCOUNTS,
        id,
        new JsonObject()
            .put("name", name)
            .put("accountnumber", number)
            .put("telephone1", phone)
            .put("revenue", revenue)
            .put("statecode", statecode));
  }

  private static void contact(
      EntityStore store, int n, String first, String last, String email, UUID parent) {
    store.put(
        EntityType.CONTACTS,
        UUID.fromString("7c3e2a51-8d4b-4f6e-a1b2-00000000000" + n),
        new JsonObject()
            .put("firstname", first)
            .put("lastname", last)
            .put("emailaddress1", email)
            .put("_parentcustomerid_value", parent == null ? null : parent.toString()));
  }
}
