package io.dynagate.sandbox;

import static io.dynagate.sandbox.SandboxHttp.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code set/$count} and {@code $count=true} straight on {@link WebApi}, with 6,005 accounts. */
class CountTest {

  private static final EntityStore STORE = new EntityStore();
  private static final WebApi API = new WebApi(STORE, () -> "http://localhost:1");

  @BeforeAll
  static void manyAccounts() {
    for (int i = 0; i < 6000; i++) {
      STORE.put(
          EntityType.ACCOUNTS,
          UUID.randomUUID(),
          new JsonObject().put("name", "Bulk " + i).put("statecode", i % 2));
    }
  }

  private static DataResponse get(String path, String query, String... headers) {
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < headers.length; i += 2) {
      map.add(headers[i], headers[i + 1]);
    }
    return API.execute(new DataRequest("GET", path, query, map, Buffer.buffer()));
  }

  @ParameterizedTest(name = "{0}?{1}")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '"',
      value = {
        "accounts/$count ; ''                                   ; 5000",
        "accounts/$count ; $filter=statecode eq 1               ; 3001",
        "accounts/$count ; $filter=startswith(name,'bulk 1')    ; 1111",
        "accounts/$count ; $filter=name eq 'Contoso Ltd'        ; 1",
        "accounts/$count ; $filter=name eq 'nobody'             ; 0",
        "contacts/$count ; ''                                   ; 5",
        "contacts/$count ; $filter=_parentcustomerid_value eq null ; 1",
      })
  void countIsPlainTextCappedAt5000(String path, String filter, String expected) {
    String query = filter.isEmpty() ? null : encodedQuery(filter);
    DataResponse response = get(path, query);

    assertEquals(200, response.status(), response.body().toString());
    assertEquals("text/plain", response.headers().get("Content-Type"));
    assertEquals(expected, response.body().toString(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "''                                 ; 5000",
        "&$filter=statecode eq 1            ; 3001",
        "&$filter=statecode eq 1&$top=2     ; 3001",
        "&$filter=name eq 'Fabrikam Inc'    ; 1",
      })
  void inlineCountIsCappedToo(String more, String expected) {
    String query = encodedQuery("$count=true" + more);
    JsonObject body =
        new JsonObject(get("accounts", query, "Prefer", "odata.maxpagesize=10").body());

    assertEquals(Integer.parseInt(expected), body.getInteger("@odata.count"));
    assertTrue(body.getJsonArray("value").size() <= 10);
  }

  @ParameterizedTest
  @CsvSource({"POST, 405", "PATCH, 405", "DELETE, 405"})
  void countAnswersOnlyGet(String method, int status) {
    DataResponse response =
        API.execute(
            new DataRequest(
                method,
                "accounts/$count",
                null,
                MultiMap.caseInsensitiveMultiMap(),
                Buffer.buffer()));

    assertEquals(status, response.status());
  }

  @Test
  void countOfARecordIsNotEmulated() {
    DataResponse response = get("accounts(" + SeedData.CONTOSO + ")/$count", null);

    assertEquals(501, response.status());
    assertFalse(response.body().toString().isEmpty());
  }

  /** {@code name=value&…} with each value percent-encoded as a client would. */
  private static String encodedQuery(String query) {
    StringBuilder sb = new StringBuilder();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      sb.append(sb.length() == 0 ? "" : "&")
          .append(pair, 0, eq + 1)
          .append(enc(pair.substring(eq + 1)));
    }
    return sb.toString();
  }
}
