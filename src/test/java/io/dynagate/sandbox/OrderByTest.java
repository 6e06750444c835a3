package io.dynagate.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.sandbox.EntityStore.Row;
import io.dynagate.sandbox.OrderBy.Key;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrderByTest {

  private static final EntityStore SEED = new EntityStore();

  private static String sorted(EntityType type, String orderBy, String column) {
    return SEED.rows(type).stream()
        .sorted(OrderBy.parse(orderBy, type).comparator(type))
        .map(r -> r.values().getString(column))
        .collect(Collectors.joining("|"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "name                  ; Adventure Works|Contoso Ltd|Fabrikam Inc|Litware Inc|Northwind Traders",
        "name desc             ; Northwind Traders|Litware Inc|Fabrikam Inc|Contoso Ltd|Adventure Works",
        // ties (Contoso and Litware both 1,500,000) are broken by the key, ascending
        "revenue desc          ; Adventure Works|Contoso Ltd|Litware Inc|Fabrikam Inc|Northwind Traders",
        "revenue desc,name desc ; Adventure Works|Litware Inc|Contoso Ltd|Fabrikam Inc|Northwind Traders",
        "  revenue   asc , name desc ; Northwind Traders|Fabrikam Inc|Litware Inc|Contoso Ltd|Adventure Works",
        "statecode desc,name   ; Northwind Traders|Adventure Works|Contoso Ltd|Fabrikam Inc|Litware Inc",
        "accountid desc        ; Litware Inc|Northwind Traders|Adventure Works|Fabrikam Inc|Contoso Ltd",
      })
  void sortsAccounts(String orderBy, String expected) {
    assertEquals(expected, sorted(EntityType.ACCOUNTS, orderBy, "name"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        // Konersmann has no parent: nulls first ascending, last descending
        "_parentcustomerid_value      ; Konersmann|McKay|Stubberod|Anderson|Campbell",
        "_parentcustomerid_value desc ; Campbell|Anderson|McKay|Stubberod|Konersmann",
        "_parentcustomerid_value desc,lastname desc ; Campbell|Anderson|Stubberod|McKay|Konersmann",
      })
  void sortsNullsFirstAscending(String orderBy, String expected) {
    assertEquals(expected, sorted(EntityType.CONTACTS, orderBy, "lastname"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '"',
      value = {
        "name up                   ; 'name up' is not 'property', 'property asc' or 'property desc'",
        "name asc desc             ; 'name asc desc' is not",
        ",name                     ; an item is empty",
        "name,                     ; an item is empty",
        "\"\"                      ; an item is empty",
        "primarycontactid/fullname ; not by 'primarycontactid/fullname'",
        "tolower(name)             ; not by 'tolower(name)'",
      })
  void badSyntaxIsA400(String orderBy, String message) {
    DataverseException e =
        assertThrows(DataverseException.class, () -> OrderBy.parse(orderBy, EntityType.ACCOUNTS));
    assertEquals(400, e.status());
    assertEquals(DataverseException.QUERY_SYNTAX, e.code());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void anUnknownPropertyIsCode0x0() {
    DataverseException e =
        assertThrows(DataverseException.class, () -> OrderBy.parse("Name", EntityType.ACCOUNTS));
    assertEquals("0x0", e.code());
  }

  @Test
  void thePrimaryKeyBreaksTiesUnlessItIsAlreadyAKey() {
    assertEquals(
        List.of(new Key("name", true), new Key("accountid", false)),
        OrderBy.parse("name desc", EntityType.ACCOUNTS).sortKeys(EntityType.ACCOUNTS));
    assertEquals(
        List.of(new Key("accountid", true)),
        OrderBy.parse("accountid desc", EntityType.ACCOUNTS).sortKeys(EntityType.ACCOUNTS));
  }

  @Test
  void aPageCookieCarriesTheSortValuesOfTheLastAndFirstRows() {
    List<Key> keys =
        OrderBy.parse("name desc,telephone1,revenue", EntityType.ACCOUNTS)
            .sortKeys(EntityType.ACCOUNTS);
    UUID id = UUID.randomUUID();
    List<Object> last =
        Arrays.asList("Ünïcode \"quoted\" <b>&amp; 50%+", null, new BigDecimal("12.50"), id);
    List<Object> first = Arrays.asList("A", "555", new BigDecimal("-3"), SeedData.CONTOSO);

    String token = new PageCookie(3, last, first).skipToken(EntityType.ACCOUNTS, keys);
    PageCookie back = PageCookie.parse(token, EntityType.ACCOUNTS, keys);

    assertTrue(
        token.startsWith(
            "<cookie pagenumber=\"3\" pagingcookie=\"%3ccookie%20page%3d%222%22%3e%3cname%20last%3d%22"),
        token);
    assertTrue(token.contains("telephone1%20lastnull%3d%221%22%20first%3d%22555%22"), token);
    assertTrue(token.endsWith("\" istracking=\"False\" />"), token);
    assertEquals(3, back.pageNumber());
    assertEquals(last, back.last());
    assertEquals(first, back.first());
  }

  @Test
  void aPageCookieWrittenForAnotherOrderIsA400() {
    EntityType type = EntityType.ACCOUNTS;
    List<Key> byName = OrderBy.parse("name", type).sortKeys(type);
    Row contoso = SEED.get(type, SeedData.CONTOSO).orElseThrow();
    List<Object> tuple = OrderBy.parse("name", type).tuple(type, contoso);
    String token = new PageCookie(2, tuple, tuple).skipToken(type, byName);

    for (String other : List.of("revenue", "name,revenue", "accountid")) {
      List<Key> keys = OrderBy.parse(other, type).sortKeys(type);
      DataverseException e =
          assertThrows(DataverseException.class, () -> PageCookie.parse(token, type, keys));
      assertEquals(400, e.status(), other);
    }
    assertEquals(new ArrayList<>(tuple), PageCookie.parse(token, type, byName).last());
  }
}
