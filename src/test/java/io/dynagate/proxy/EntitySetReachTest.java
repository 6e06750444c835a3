package io.dynagate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What counts as reaching beyond the named entity set for grants limited to entity sets. */
class EntitySetReachTest {
  private static final String V = "api/data/v9.2/";

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          accounts                                                     | false
          accounts/                                                    | false
          accounts(00000000-0000-0000-0000-000000000001)               | false
          accounts(accountnumber='A-1')                                | false
          accounts/$count                                              | false
          WhoAmI                                                       | false
          RetrieveTotalRecordCount(EntityNames=@p1)                    | false
          accounts(00000000-0000-0000-0000-000000000001)/primarycontactid | true
          accounts(00000000-0000-0000-0000-000000000001)/contact_customer_accounts | true
          accounts(00000000-0000-0000-0000-000000000001)/primarycontactid/$ref | true
          accounts(00000000-0000-0000-0000-000000000001)/name/$value   | true
          accounts(00000000-0000-0000-0000-000000000001)/Microsoft.Dynamics.CRM.Merge | true
          accounts(00000000-0000-0000-0000-000000000001)/$ref          | true
          accounts/Microsoft.Dynamics.CRM.SomeBoundFunction()          | true
          accounts(name='a/b')                                         | true
          """)
  void paths(String path, boolean beyond) {
    assertEquals(beyond, EntitySetReach.beyond(V + path, null));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          $1                                  | false
          $12                                 | false
          $1/$count                           | false
          $1/primarycontactid                 | true
          $1/contact_customer_accounts/$ref   | true
          api/search/v1.0/query               | true
          api                                 | true
          """)
  void batchReferencesAndOtherPaths(String path, boolean beyond) {
    assertEquals(beyond, EntitySetReach.beyond(path, null));
  }

  @ParameterizedTest(name = "?{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          $select=name,accountid                                   | false
          $select=name&$filter=name eq 'a/b'&$top=2&$count=true    | false
          $filter=name%20eq%20'x%2Fy'                              | false
          $orderby=name desc&$skip=10                              | false
          $skiptoken=%3Ccookie pagenumber=%222%22 /%3E             | false
          $filter=name eq 'it''s/fine'                             | false
          @p1=['contacts']                                         | false
          $top=1&                                                  | false
          $SELECT=name                                             | false
          $expand=primarycontactid                                 | true
          %24expand=primarycontactid                               | true
          $EXPAND=primarycontactid                                 | true
          $select=name&$expand=primarycontactid($select=fullname)  | true
          fetchXml=%3Cfetch%3E%3C/fetch%3E                         | true
          savedQuery=00000000-0000-0000-0000-000000000001          | true
          userQuery=00000000-0000-0000-0000-000000000001           | true
          $apply=groupby((primarycontactid/fullname))              | true
          $search=x                                                | true
          unknown=1                                                | true
          $filter=primarycontactid/fullname eq 'x'                 | true
          $filter=primarycontactid%2Ffullname eq 'x'               | true
          $filter=contact_customer_accounts/any(c:c/fullname eq 'x') | true
          $filter=name eq 'x' or primarycontactid/fullname eq 'y'  | true
          $filter=name eq 'it''s' and primarycontactid/x eq 1      | true
          $orderby=primarycontactid/fullname                       | true
          $select=primarycontactid/fullname                        | true
          $filter=@a eq 'x'&@a=primarycontactid/fullname           | true
          $filter=%ZZ                                              | true
          """)
  void queries(String query, boolean beyond) {
    assertEquals(beyond, EntitySetReach.beyond(V + "accounts", query));
  }
}
