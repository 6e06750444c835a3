package io.dynagate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a write body reaches beyond its entity set. */
class BodyReachTest {
  private static final String C = "contacts(0f9d6f4a-1c2b-4e8a-9f10-0000000000c1)";

  /** {@code reach}: "-" nothing, "?" unknown, else the bound sets joined by '/'. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          ''                                                             | -
          '   '                                                          | -
          {}                                                             | -
          {"name":"x","revenue":1.5,"statecode":0,"x":null,"y":true}     | -
          {"name":"x","@odata.type":"Microsoft.Dynamics.CRM.account"}    | -
          {"name":"{\\"not\\":[\\"nested\\"]}"}                          | -
          {"primarycontactid@odata.bind":"/C"}                           | contacts
          {"primarycontactid@odata.bind":"C"}                            | contacts
          {"primarycontactid@odata.bind":"https://org.crm.dynamics.com/api/data/v9.2/C"} | contacts
          {"a@odata.bind":"/C","b@odata.bind":"/systemusers(1)"}         | contacts/systemusers
          {"contact_customer_accounts@odata.bind":["/C","/C"]}           | contacts
          {"primarycontactid@ODATA.BIND":"/C"}                           | contacts
          {"primarycontactid":{"lastname":"x"}}                          | ?
          {"contact_customer_accounts":[{"lastname":"x"}]}               | ?
          {"tags":[]}                                                    | ?
          {"primarycontactid@odata.bind":{"id":1}}                       | ?
          {"primarycontactid@odata.bind":["/C",{"x":1}]}                 | ?
          {"primarycontactid@odata.bind":"/C/nav"}                       | ?
          {"primarycontactid@odata.bind":"/contacts"}                    | ?
          {"primarycontactid@odata.bind":"/$1"}                          | ?
          {"primarycontactid@odata.bind":7}                              | ?
          [{"name":"x"}]                                                 | ?
          "x"                                                            | ?
          {"name":"x"}{"primarycontactid":{}}                            | ?
          {"name":                                                       | ?
          not json                                                       | ?
          """)
  void reach(String body, String expected) {
    BodyReach r = BodyReach.of(body.replace("C\"", C + "\"").getBytes(StandardCharsets.UTF_8));
    String actual =
        r.unknown()
            ? "?"
            : r.boundSets().isEmpty() ? "-" : String.join("/", new TreeSet<>(r.boundSets()));
    assertEquals(expected, actual);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "application/json, true",
    "application/json; type=entry, true",
    "Application/JSON;odata.metadata=minimal, true",
    "text/plain, false",
    "application/jsonx, false",
    "'', false"
  })
  void jsonContentTypes(String contentType, boolean json) {
    assertEquals(json, BodyReach.isJson(contentType));
  }
}
