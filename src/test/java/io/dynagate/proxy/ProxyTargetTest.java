package io.dynagate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxyTargetTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # request target                                                   | origin form
          # origin form is kept as it is
          /proxy/x/api/data/v9.2/accounts?$top=1                             | /proxy/x/api/data/v9.2/accounts?$top=1
          /                                                                  | /
          /proxy/x/api/data/v9.2/accounts?$filter=url eq 'https://evil/a/b'  | /proxy/x/api/data/v9.2/accounts?$filter=url eq 'https://evil/a/b'
          //evil.example.org/proxy/x                                         | //evil.example.org/proxy/x
          # absolute form loses scheme and authority
          http://evil.example.org/proxy/x/api/data/v9.2/accounts?$top=1      | /proxy/x/api/data/v9.2/accounts?$top=1
          https://evil.example.org/proxy/x/api/data/v9.2/accounts            | /proxy/x/api/data/v9.2/accounts
          https://user:pw@evil.example.org:8443/proxy/x/api/data/v9.2/WhoAmI | /proxy/x/api/data/v9.2/WhoAmI
          https://h                                                          | /
          https://h:8443/p                                                   | /p
          https://h/                                                         | /
          HTTP://EVIL.EXAMPLE.ORG/proxy/x                                    | /proxy/x
          # asterisk form and other targets without a scheme are left alone
          *                                                                  | *
          proxy/x                                                            | proxy/x
          """)
  void requestTargetIsReducedToOriginForm(String target, String expected) {
    assertEquals(expected, ProxyTarget.originForm(target));
  }
}
