package io.dynagate.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What {@link TraceScrubber} leaves of the URLs and paths the instrumentation records. */
class TraceScrubberTest {
  @Test
  void aPathLosesItsQueryAndItsRecordKeys() {
    assertEquals(
        "/proxy/c1/api/data/v9.2/accounts(*)/contact_customer_accounts",
        TraceScrubber.path(
            "/proxy/c1/api/data/v9.2/accounts(00000000-0000-0000-0000-000000000001)"
                + "/contact_customer_accounts?$select=fullname&$filter=emailaddress1 eq 'a@b.c'"));
  }

  @Test
  void alternateKeysWithParenthesesInsideQuotesAreRemovedWhole() {
    assertEquals(
        "/api/data/v9.2/accounts(*)",
        TraceScrubber.path("/api/data/v9.2/accounts(name='Smith (Ltd) '' and co')"));
  }

  @Test
  void percentEncodedKeysAreKeysToo() {
    assertEquals(
        "/api/data/v9.2/contacts(*)",
        TraceScrubber.path("/api/data/v9.2/contacts%28emailaddress1=%27a%40b.c%27%29"));
  }

  @Test
  void functionParametersAreRemoved() {
    assertEquals(
        "/api/data/v9.2/RetrieveTotalRecordCount(*)",
        TraceScrubber.path("/api/data/v9.2/RetrieveTotalRecordCount(EntityNames=['account'])"));
  }

  @Test
  void anUnclosedKeyOrAStrayQuoteDropsTheRest() {
    assertEquals(
        "/api/data/v9.2/accounts(*)", TraceScrubber.path("/api/data/v9.2/accounts(name='x"));
    assertEquals("/api/data/v9.2/x*", TraceScrubber.path("/api/data/v9.2/x'secret/y"));
  }

  @Test
  void aUrlKeepsSchemeHostAndScrubbedPathButNoUserInfoQueryOrFragment() {
    assertEquals(
        "https://org.crm4.dynamics.com/api/data/v9.2/accounts(*)",
        TraceScrubber.url(
            "https://user:pw@org.crm4.dynamics.com/api/data/v9.2/accounts(1)?$top=1#frag"));
    assertEquals(
        "http://127.0.0.1:8080", TraceScrubber.url("http://127.0.0.1:8080?code=abc&state=x"));
  }

  @Test
  void aPathWithoutKeysOrQueryIsUnchanged() {
    assertEquals("/admin/v1/connections", TraceScrubber.path("/admin/v1/connections"));
    assertEquals("GET /proxy/", TraceScrubber.path("GET /proxy/"));
  }
}
