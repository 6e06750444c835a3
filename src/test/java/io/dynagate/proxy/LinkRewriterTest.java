package io.dynagate.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class LinkRewriterTest {
  private static final String ORG = "https://contoso.crm4.dynamics.com";
  private static final String GW = "https://gw.example.com/proxy/contoso";
  private static final String API = "/api/data/v9.2/";

  /** The body with every {@code @odata.context} value moved from the org to {@code gateway}. */
  private static String contextAt(String gateway, String body) {
    return body.replace("\"@odata.context\":\"" + ORG, "\"@odata.context\":\"" + gateway);
  }

  /** Body before and after rewriting, named after what it shows. */
  static Stream<Arguments> bodies() {
    String skip =
        "accounts?$select=name&$skiptoken=%3Ccookie%20pagenumber=%222%22%20"
            + "pagingcookie=%22%253ccookie%2520page%253d%25221%2522%253e%22%20/%3E";
    String page =
        """
        {"@odata.context":"%1$s/api/data/v9.2/$metadata#accounts(name)","value":[\
        {"@odata.etag":"W/\\"1234\\"","name":"Contoso %1$s/api/data/v9.2/x",\
        "accountid":"00000000-0000-0000-0000-000000000001"},\
        {"@odata.etag":"W/\\"1235\\"","name":"Fabrikam","accountid":"00000000-0000-0000-0000-000000000002"}],\
        "@odata.nextLink":"%2$s%3$s"}""";
    String delta =
        """
        {"@odata.context":"%s/api/data/v9.2/$metadata#accounts(name)/$delta",
          "value":[{"@odata.id":"%1$s/api/data/v9.2/accounts(1)","name":"A"}],
          "@odata.deltaLink" :\t"%s/api/data/v9.2/accounts?$deltatoken=919042%%2108%%2f22%%2f2017"
        }""";
    String batch =
        """
        --batchresponse_1\r
        Content-Type: application/http\r
        Content-Transfer-Encoding: binary\r
        \r
        HTTP/1.1 200 OK\r
        Content-Type: application/json; odata.metadata=minimal\r
        OData-Version: 4.0\r
        \r
        {"@odata.context":"%1$s/api/data/v9.2/$metadata#contacts","value":[],\
        "@odata.nextLink":"%2$s/api/data/v9.2/contacts?$skiptoken=2"}\r
        --batchresponse_1\r
        Content-Type: application/http\r
        \r
        HTTP/1.1 204 No Content\r
        OData-EntityId: %1$s/api/data/v9.2/contacts(1)\r
        \r
        \r
        --batchresponse_1--\r
        """;
    String customerData =
        """
        {"value":[{"websiteurl":"%1$s/","description":"\\"@odata.nextLink\\":\\"%1$s/api/\\"",\
        "@odata.id":"%1$s/api/data/v9.2/accounts(1)","notes":"%1$s/api/data/v9.2/accounts?$top=1",\
        "@odata.editLink":"%1$s/api/data/v9.2/accounts(1)"}],\
        "@odata.nextLink":"%1$s.evil.example/api/data/v9.2/accounts?$skiptoken=1",\
        "@odata.nextLinks":"%1$s/api/x","@odata.nextlink":"%1$s/api/x",\
        "odata.nextLink":"%1$s/api/x","@odata.nextLink":"https://other.crm.dynamics.com/api/x",\
        "@odata.deltaLink":"http://contoso.crm4.dynamics.com/api/x",\
        "@odata.nextLink":"%1$s","@odata.nextLink":"%1$s?x","@odata.nextLink":null,\
        "@odata.nextLink": ["%1$s/api/x"]}""";
    return Stream.of(
        Arguments.of(
            "realistic page with nextLink and context",
            page.formatted(ORG, ORG + API, skip),
            contextAt(GW, page.formatted(ORG, GW + API, skip))),
        Arguments.of(
            "deltaLink with whitespace and upper-case host",
            delta.formatted(ORG, "https://CONTOSO.crm4.Dynamics.com"),
            contextAt(GW, delta.formatted(ORG, GW))),
        Arguments.of(
            "body without links but its context",
            "{\"@odata.context\":\"" + ORG + "/api/data/v9.2/$metadata#accounts\",\"value\":[]}",
            "{\"@odata.context\":\"" + GW + "/api/data/v9.2/$metadata#accounts\",\"value\":[]}"),
        Arguments.of(
            "multipart batch response with a nextLink",
            batch.formatted(ORG, ORG),
            contextAt(GW, batch.formatted(ORG, GW))),
        Arguments.of(
            "org URL in customer data, @odata.id and look-alike annotations stay",
            customerData.formatted(ORG),
            customerData
                .formatted(ORG)
                .replace("\"@odata.editLink\":\"" + ORG, "\"@odata.editLink\":\"" + GW)),
        Arguments.of(
            "full-metadata link annotations, absolute",
            "{\"@odata.readLink\":\""
                + ORG
                + "/a\",\"p@odata.navigationLink\":\""
                + ORG
                + "/b\",\"p@odata.associationLink\":\""
                + ORG
                + "/c\","
                + "\"f@odata.mediaReadLink\":\""
                + ORG
                + "/d\",\"f@odata.mediaEditLink\":\""
                + ORG
                + "/e\",\"@odata.editLink\":\"accounts(1)\"}",
            "{\"@odata.readLink\":\""
                + GW
                + "/a\",\"p@odata.navigationLink\":\""
                + GW
                + "/b\",\"p@odata.associationLink\":\""
                + GW
                + "/c\","
                + "\"f@odata.mediaReadLink\":\""
                + GW
                + "/d\",\"f@odata.mediaEditLink\":\""
                + GW
                + "/e\",\"@odata.editLink\":\"accounts(1)\"}"),
        Arguments.of(
            "JSON-escaped slashes",
            "{\"@odata.nextLink\":\"https:\\/\\/contoso.crm4.dynamics.com\\/api\\/data?$top=1\"}",
            "{\"@odata.nextLink\":\"https:\\/\\/gw.example.com\\/proxy\\/contoso\\/api\\/data?$top=1\"}"),
        Arguments.of(
            "navigation property nextLink of an expanded collection",
            "{\"Account_Tasks@odata.nextLink\":\"" + ORG + API + "accounts(1)/Account_Tasks\"}",
            "{\"Account_Tasks@odata.nextLink\":\"" + GW + API + "accounts(1)/Account_Tasks\"}"),
        Arguments.of(
            "several links, adjacent and repeated",
            "[{\"@odata.nextLink\":\""
                + ORG
                + "/a\"},{\"@odata.deltaLink\":\""
                + ORG
                + "/b\"},"
                + "{\"@@odata.nextLink\":\""
                + ORG
                + "/c\"}]",
            "[{\"@odata.nextLink\":\""
                + GW
                + "/a\"},{\"@odata.deltaLink\":\""
                + GW
                + "/b\"},"
                + "{\"@@odata.nextLink\":\""
                + GW
                + "/c\"}]"),
        Arguments.of(
            "link cut off by the end of the body",
            "{\"@odata.nextLink\":\"https:\\/\\/contoso.crm4.dynamics.co",
            "{\"@odata.nextLink\":\"https:\\/\\/contoso.crm4.dynamics.co"),
        Arguments.of(
            "origin followed by a backslash that is not an escaped slash",
            "{\"@odata.nextLink\":\"" + ORG + "\\u002fapi\"}",
            "{\"@odata.nextLink\":\"" + ORG + "\\u002fapi\"}"),
        Arguments.of(
            "UTF-8 around and inside links",
            "{\"name\":\"Zoë 日本語 😀\",\"@odata.nextLink\":\""
                + ORG
                + "/api/data/v9.2/accounts?$filter=name%20eq%20'é'&x=ü😀\",\"z\":\"€\"}",
            "{\"name\":\"Zoë 日本語 😀\",\"@odata.nextLink\":\""
                + GW
                + "/api/data/v9.2/accounts?$filter=name%20eq%20'é'&x=ü😀\",\"z\":\"€\"}"),
        Arguments.of("empty body", "", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodies")
  void wholeBodyRewritesOnlyNextAndDeltaLinksToTheOrg(
      String behaviour, String body, String expected) {
    assertEquals(expected, utf8(rewriteInChunks(bytes(body))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodies")
  void splittingAtAnySinglePositionGivesTheWholeBodyResult(
      String behaviour, String body, String expected) {
    byte[] in = bytes(body);
    byte[] want = bytes(expected);
    for (int cut = 0; cut <= in.length; cut++) {
      assertArrayEquals(want, rewriteInChunks(in, cut), "split at byte " + cut);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodies")
  void splittingAtRandomPositionsGivesTheWholeBodyResult(
      String behaviour, String body, String expected) {
    byte[] in = bytes(body);
    byte[] want = bytes(expected);
    Random random = new Random(42);
    for (int i = 0; i < 200; i++) {
      int[] cuts = new int[1 + random.nextInt(Math.min(20, in.length + 1))];
      for (int c = 0; c < cuts.length; c++) {
        cuts[c] = random.nextInt(in.length + 1); // repeated cuts give empty chunks
      }
      Arrays.sort(cuts);
      assertArrayEquals(want, rewriteInChunks(in, cuts), "cuts " + Arrays.toString(cuts));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodies")
  void feedingOneByteAtATimeGivesTheWholeBodyResult(
      String behaviour, String body, String expected) {
    byte[] in = bytes(body);
    int[] cuts = new int[in.length];
    Arrays.setAll(cuts, i -> i);
    assertArrayEquals(bytes(expected), rewriteInChunks(in, cuts));
  }

  @Test
  void multiByteCharactersSplitAcrossChunksStayIntact() {
    String body = "{\"name\":\"😀€é日\",\"@odata.nextLink\":\"" + ORG + "/x?q=😀\"}";
    String expected = "{\"name\":\"😀€é日\",\"@odata.nextLink\":\"" + GW + "/x?q=😀\"}";
    byte[] in = bytes(body);
    for (int cut = 0; cut <= in.length; cut++) {
      for (int cut2 = cut; cut2 <= in.length; cut2 += 3) {
        byte[] out = rewriteInChunks(in, cut, cut2);
        assertEquals(expected, utf8(out), "cuts " + cut + "," + cut2);
      }
    }
  }

  @Test
  void holdsBackAtMostAboutTheOriginLength() {
    LinkRewriter rewriter = new LinkRewriter(ORG, GW);
    assertTrue(rewriter.maxHeldBytes() <= "https:\\/\\/contoso.crm4.dynamics.com\\".length());

    String partial = "{\"@odata.nextLink\":\"https:\\/\\/contoso.crm4.dynamics.com\\";
    Buffer out = rewriter.rewrite(Buffer.buffer(partial));
    assertEquals(partial.length() - rewriter.heldBytes(), out.length());
    assertTrue(rewriter.heldBytes() <= rewriter.maxHeldBytes());
    assertEquals(partial, out.toString() + rewriter.finish().toString());
  }

  @Test
  void aLargeBodyWithoutLinksIsEmittedAtOnce() {
    StringBuilder body = new StringBuilder("{\"value\":[");
    for (int i = 0; i < 20_000; i++) {
      body.append("{\"@odata.id\":\"").append(ORG).append("/api/data/v9.2/accounts(").append(i);
      body.append(")\",\"name\":\"n").append(i).append("\"},");
    }
    body.append("{}]}");
    LinkRewriter rewriter = new LinkRewriter(ORG, GW);
    Buffer chunk = Buffer.buffer(body.toString());
    assertEquals(chunk, rewriter.rewrite(chunk));
    assertEquals(0, rewriter.heldBytes());
    assertEquals(0, rewriter.finish().length());
  }

  @Test
  void rewritingAfterFinishIsAnError() {
    LinkRewriter rewriter = new LinkRewriter(ORG, GW);
    rewriter.finish();
    assertThrows(IllegalStateException.class, () -> rewriter.rewrite(Buffer.buffer("x")));
    assertThrows(IllegalStateException.class, rewriter::finish);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      textBlock =
          """
          https://contoso.crm4.dynamics.com/api/data/v9.2/accounts(1) | https://gw.example.com/proxy/contoso/api/data/v9.2/accounts(1)
          HTTPS://Contoso.CRM4.dynamics.com/api/data/v9.2/accounts(1) | https://gw.example.com/proxy/contoso/api/data/v9.2/accounts(1)
          https://contoso.crm4.dynamics.com/                          | https://gw.example.com/proxy/contoso/
          https://contoso.crm4.dynamics.com                           | https://contoso.crm4.dynamics.com
          https://contoso.crm4.dynamics.com.evil.example/api          | https://contoso.crm4.dynamics.com.evil.example/api
          https://contoso.crm4.dynamics.com:443/api                   | https://contoso.crm4.dynamics.com:443/api
          http://contoso.crm4.dynamics.com/api                        | http://contoso.crm4.dynamics.com/api
          https://other.crm4.dynamics.com/api                         | https://other.crm4.dynamics.com/api
          /api/data/v9.2/accounts(1)                                  | /api/data/v9.2/accounts(1)
          ''                                                          | ''
          NULL                                                        | NULL
          """)
  void headerValuesPointingAtTheOrgAreRewritten(String value, String expected) {
    assertEquals(expected, new LinkRewriter(ORG, GW).rewriteHeader(value));
  }

  @Test
  void trailingSlashesOfTheConfiguredUrlsAreTolerated() {
    LinkRewriter rewriter = new LinkRewriter(ORG + "/", GW + "/");
    assertEquals(GW + "/api", rewriter.rewriteHeader(ORG + "/api"));
    String body = "{\"@odata.nextLink\":\"" + ORG + "/api\"}";
    assertEquals(
        "{\"@odata.nextLink\":\"" + GW + "/api\"}",
        rewriter.rewrite(Buffer.buffer(body)).toString() + rewriter.finish());
  }

  @Test
  void anOrgWithAPortIsMatchedWithItsPort() {
    LinkRewriter rewriter = new LinkRewriter("http://localhost:8081", "http://localhost:8080/p/c");
    String body = "{\"@odata.nextLink\":\"http://localhost:8081/api/data/v9.2/accounts\"}";
    assertEquals(
        "{\"@odata.nextLink\":\"http://localhost:8080/p/c/api/data/v9.2/accounts\"}",
        rewriter.rewrite(Buffer.buffer(body)).toString() + rewriter.finish());
    assertEquals("http://localhost:8082/x", rewriter.rewriteHeader("http://localhost:8082/x"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "contoso.crm4.dynamics.com",
        "ftp://contoso.crm4.dynamics.com",
        "https://contoso.crm4.dynamics.com/api",
        "https://user@contoso.crm4.dynamics.com",
        "https://contoso\".example",
        "https://"
      })
  void aNonOriginOrgUrlIsRefused(String orgUrl) {
    assertThrows(IllegalArgumentException.class, () -> new LinkRewriter(orgUrl, GW));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "gw.example.com/proxy/c",
        "https://gw.example.com/proxy/\"c",
        "https://gw.example.com/proxy\\c",
        "https://gw.example.com/proxy/c?x=1",
        "https://gw.example.com/proxy c"
      })
  void aGatewayPrefixThatWouldBreakJsonIsRefused(String prefix) {
    assertThrows(IllegalArgumentException.class, () -> new LinkRewriter(ORG, prefix));
  }

  /**
   * {@code $batch} response bodies before and after rewriting with the multipart flag: {@code %1$s}
   * is the org before and the gateway prefix after, {@code %2$s} the org in both.
   */
  static Stream<Arguments> multipartBodies() {
    String id = "00000000-0000-0000-0000-000000000001";
    String batch =
        """
        --batchresponse_1\r
        Content-Type: multipart/mixed; boundary=changesetresponse_2\r
        \r
        --changesetresponse_2\r
        Content-Type: application/http\r
        Content-Transfer-Encoding: binary\r
        Content-ID: 1\r
        \r
        HTTP/1.1 204 No Content\r
        OData-Version: 4.0\r
        Location: %1$s/api/data/v9.2/accounts({id})\r
        OData-EntityId: %1$s/api/data/v9.2/accounts({id})\r
        \r
        \r
        --changesetresponse_2--\r
        --batchresponse_1\r
        Content-Type: application/http\r
        Content-Transfer-Encoding: binary\r
        \r
        HTTP/1.1 201 Created\r
        Content-Type: application/json; odata.metadata=minimal\r
        location: %1$s/api/data/v9.2/contacts(2)\r
        ODATA-ENTITYID:%1$s/api/data/v9.2/contacts(2)\r
        Content-Location: %2$s/api/data/v9.2/contacts(2)\r
        X-Location: %2$s/api/data/v9.2/contacts(2)\r
        OData-EntityIds: %2$s/api/data/v9.2/contacts(2)\r
        \r
        {"@odata.context":"%1$s/api/data/v9.2/$metadata#contacts/$entity",\
        "description":"Location: %2$s/api/x\\nOData-EntityId: %2$s/api/y",\
        "@odata.nextLink":"%1$s/api/data/v9.2/contacts?$skiptoken=1"}\r
        --batchresponse_1--\r
        """
            .replace("{id}", id);
    String headers =
        """
        --b\r
        Content-Type: application/http\r
        \r
        HTTP/1.1 201 Created\r
        Location: https://other.crm4.dynamics.com/api/x\r
        Location: http://contoso.crm4.dynamics.com/api/x\r
        Location: %2$s\r
        Location: %2$s?x=1\r
        Location: %2$s.evil.example/api\r
        Location: %2$s:443/api\r
        Location: /api/data/v9.2/accounts(1)\r
        Location : %2$s/api\r
        LocationX: %2$s/api\r
        Location:%1$s/api/a\r
        OData-EntityId:\t %1$s/api/b\r
        Location:   %3$s/api/c\r
        Location: %1$s/\r
        \r
        \r
        --b--\r
        """;
    String json =
        """
        --b\r
        Content-Type: application/http\r
        \r
        HTTP/1.1 200 OK\r
        Content-Type: application/json\r
        \r
        {
          "Location": "%2$s/api/data/v9.2/accounts(1)",
          "note": "Location: %2$s/api/x",
          "text": "line\\nLocation: %2$s/api/y",
          "odata-entityid": "%2$s/api/z"
        }\r
        --b--\r
        """;
    return Stream.of(
        Arguments.of(
            "Location and OData-EntityId of parts, in any case, in and outside a change set",
            batch.formatted(ORG, ORG),
            batch.formatted(GW, ORG)),
        Arguments.of(
            "only values that start with the org origin and a slash",
            headers.formatted(ORG, ORG, "HTTPS://CONTOSO.crm4.Dynamics.com"),
            headers.formatted(GW, ORG, GW)),
        Arguments.of(
            "JSON that merely mentions Location: stays",
            json.formatted(ORG, ORG),
            json.formatted(ORG, ORG)),
        Arguments.of(
            "LF line ends",
            "--b\nContent-Type: application/http\n\nHTTP/1.1 201 Created\nLocation: "
                + ORG
                + "/api/x\n\n\n--b--\n",
            "--b\nContent-Type: application/http\n\nHTTP/1.1 201 Created\nLocation: "
                + GW
                + "/api/x\n\n\n--b--\n"),
        Arguments.of(
            "a header line cut off by the end of the body",
            "--b\r\nLocation: https://contoso.crm4.dynamics.co",
            "--b\r\nLocation: https://contoso.crm4.dynamics.co"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("multipartBodies")
  void multipartBodiesAlsoGetTheirPartHeadersRewritten(
      String behaviour, String body, String expected) {
    assertEquals(expected, utf8(rewriteInChunks(true, bytes(body))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("multipartBodies")
  void multipartSplitAtAnySinglePositionGivesTheWholeBodyResult(
      String behaviour, String body, String expected) {
    byte[] in = bytes(body);
    byte[] want = bytes(expected);
    for (int cut = 0; cut <= in.length; cut++) {
      assertArrayEquals(want, rewriteInChunks(true, in, cut), "split at byte " + cut);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("multipartBodies")
  void multipartSplitAtRandomPositionsGivesTheWholeBodyResult(
      String behaviour, String body, String expected) {
    byte[] in = bytes(body);
    byte[] want = bytes(expected);
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      int[] cuts = new int[1 + random.nextInt(Math.min(20, in.length + 1))];
      for (int c = 0; c < cuts.length; c++) {
        cuts[c] = random.nextInt(in.length + 1);
      }
      Arrays.sort(cuts);
      assertArrayEquals(want, rewriteInChunks(true, in, cuts), "cuts " + Arrays.toString(cuts));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("multipartBodies")
  void multipartOneByteAtATimeGivesTheWholeBodyResult(
      String behaviour, String body, String expected) {
    byte[] in = bytes(body);
    int[] cuts = new int[in.length];
    Arrays.setAll(cuts, i -> i);
    assertArrayEquals(bytes(expected), rewriteInChunks(true, in, cuts));
  }

  @Test
  void withoutTheMultipartFlagPartHeadersStayAndAnnotationsAreStillRewritten() {
    String body =
        "--b\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 201 Created\r\nLocation: "
            + ORG
            + "/api/x\r\nOData-EntityId: "
            + ORG
            + "/api/x\r\n\r\n{\"@odata.nextLink\":\""
            + ORG
            + "/api/y\"}\r\n--b--\r\n";
    String expected = body.replace(ORG + "/api/y", GW + "/api/y");
    assertEquals(expected, utf8(rewriteInChunks(false, bytes(body))));
    assertEquals(body.replace(ORG, GW), utf8(rewriteInChunks(true, bytes(body))));
  }

  /**
   * A page of {@code records} accounts as Dataverse sends it (minimal metadata): {@code
   * @odata.context} first, an {@code @odata.etag} on every record, customer fields that mention
   * the org URL (they stay), {@code @odata.nextLink} last. The two links start with {@code links}.
   */
  private static String dataversePage(int records, String links) {
    StringBuilder page = new StringBuilder();
    page.append("{\"@odata.context\":\"").append(links);
    page.append("/api/data/v9.2/$metadata#accounts(name,accountid,websiteurl,description)\",");
    page.append("\"value\":[");
    for (int i = 0; i < records; i++) {
      page.append(i == 0 ? "" : ",").append("{\"@odata.etag\":\"W/\\\"").append(4_000_000 + i);
      page.append("\\\"\",\"name\":\"Contoso branch ")
          .append(i)
          .append(" Zoë 😀\",\"accountid\":\"");
      page.append(String.format("%08x-0000-4000-8000-%012x", i, i * 7919L)).append("\",");
      page.append("\"websiteurl\":\"").append(ORG).append("/main.aspx?id=").append(i).append("\",");
      page.append("\"description\":\"see ").append(ORG).append("/api/data/v9.2/accounts(");
      page.append(i).append(") and https:\\/\\/contoso.crm4.dynamics.com\\/x @ ");
      page.append(i % 3 == 0 ? "@odata.nextLink" : "@odata.etag").append("\"}");
    }
    page.append("],\"@odata.nextLink\":\"").append(links).append(API);
    page.append("accounts?$select=name&$skiptoken=%3Ccookie%20pagenumber=%222%22%20/%3E\"}");
    return page.toString();
  }

  @Test
  void aRealisticPageGetsItsContextAndNextLinkRewrittenAndNothingElse() {
    byte[] in = bytes(dataversePage(5_000, ORG));
    byte[] want = bytes(dataversePage(5_000, GW));
    assertTrue(in.length > 1_000_000, "a page of about 1 MiB: " + in.length);
    assertArrayEquals(want, rewriteInChunks(in));
  }

  @Test
  void aRealisticPageCutIntoChunksOfAnySizeGivesTheOneShotResult() {
    byte[] in = bytes(dataversePage(5_000, ORG));
    byte[] want = rewriteInChunks(in);
    assertArrayEquals(want, rewriteInChunks(in, every(8_192, in.length)), "8 KiB chunks");
    Random random = new Random(20_240_601);
    for (int round = 0; round < 24; round++) {
      int largest = round % 3 == 0 ? 64 : round % 3 == 1 ? 1_500 : 20_000;
      int[] cuts = new int[in.length];
      int count = 0;
      for (int at = random.nextInt(largest); at < in.length; at += random.nextInt(largest + 1)) {
        cuts[count++] = at; // a step of 0 gives an empty chunk
      }
      int[] used = Arrays.copyOf(cuts, count);
      assertArrayEquals(want, rewriteInChunks(in, used), "round " + round + ", up to " + largest);
    }
  }

  @Test
  void aSmallerRealisticPageCutAtEveryPositionGivesTheOneShotResult() {
    byte[] in = bytes(dataversePage(12, ORG));
    byte[] want = bytes(dataversePage(12, GW));
    for (int cut = 0; cut <= in.length; cut++) {
      assertArrayEquals(want, rewriteInChunks(in, cut), "split at byte " + cut);
      assertArrayEquals(want, rewriteInChunks(in, cut, Math.min(in.length, cut + 5)), "+5 " + cut);
    }
  }

  /**
   * A {@code $batch} response of {@code parts} parts as Dataverse sends it: change sets of
   * creations (with {@code Location} and {@code OData-EntityId}) and queries answered with a page.
   * {@code %1$s} is the org before and the gateway prefix after rewriting.
   */
  private static String batchResponse(int parts, String links) {
    StringBuilder batch = new StringBuilder();
    for (int i = 0; i < parts; i++) {
      batch.append("--batchresponse_9f1c\r\n");
      if (i % 2 == 0) {
        batch.append("Content-Type: multipart/mixed; boundary=changesetresponse_").append(i);
        batch.append("\r\n\r\n--changesetresponse_").append(i).append("\r\n");
        batch.append("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n");
        batch.append("Content-ID: ").append(i).append("\r\n\r\nHTTP/1.1 204 No Content\r\n");
        batch.append("OData-Version: 4.0\r\nLocation: ").append(links).append(API);
        batch.append("accounts(").append(i).append(")\r\nOData-EntityId: ").append(links);
        batch.append(API).append("accounts(").append(i).append(")\r\nX-Note: Location: ");
        batch.append(ORG).append("/x\r\n\r\n\r\n--changesetresponse_").append(i).append("--\r\n");
      } else {
        batch.append("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n");
        batch.append(
            "\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json; odata.metadata=minimal");
        batch.append("\r\nOData-Version: 4.0\r\n\r\n");
        batch.append(dataversePage(1 + i % 4, links));
        batch.append("\r\n");
      }
    }
    return batch.append("--batchresponse_9f1c--\r\n").toString();
  }

  @Test
  void aRealisticBatchResponseCutAnywhereGivesTheWholeBodyResult() {
    byte[] in = bytes(batchResponse(400, ORG));
    byte[] want = bytes(batchResponse(400, GW));
    assertArrayEquals(want, rewriteInChunks(true, in), "one chunk");
    assertArrayEquals(want, rewriteInChunks(true, in, every(8_192, in.length)), "8 KiB chunks");
    Random random = new Random(99);
    for (int round = 0; round < 24; round++) {
      int largest = round % 2 == 0 ? 40 : 5_000;
      int[] cuts = new int[in.length];
      int count = 0;
      for (int at = random.nextInt(largest); at < in.length; at += random.nextInt(largest + 1)) {
        cuts[count++] = at;
      }
      int[] used = Arrays.copyOf(cuts, count);
      assertArrayEquals(want, rewriteInChunks(true, in, used), "round " + round);
    }
    byte[] small = bytes(batchResponse(3, ORG));
    byte[] smallWant = bytes(batchResponse(3, GW));
    for (int cut = 0; cut <= small.length; cut++) {
      assertArrayEquals(smallWant, rewriteInChunks(true, small, cut), "split at byte " + cut);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void chunksWithoutALinkComeBackAsTheSameBuffer(boolean multipart) {
    byte[] in = bytes(dataversePage(5_000, ORG));
    LinkRewriter rewriter = new LinkRewriter(ORG, GW, multipart);
    int chunks = 0;
    int same = 0;
    for (int from = 0; from < in.length; from += 8_192) {
      Buffer chunk = Buffer.buffer(Arrays.copyOfRange(in, from, Math.min(in.length, from + 8_192)));
      Buffer out = rewriter.rewrite(chunk);
      boolean firstOrLast = from == 0 || from + 8_192 >= in.length;
      if (!firstOrLast) {
        assertSame(chunk, out, "chunk at " + from);
        same++;
      }
      chunks++;
    }
    assertEquals(chunks - 2, same);
  }

  @Test
  void theUntouchedStretchesOfARewrittenChunkAreSharedNotCopied() {
    String body = "{\"a\":1,\"@odata.nextLink\":\"" + ORG + "/x\",\"b\":2}";
    Buffer chunk = Buffer.buffer(body);
    Buffer out = new LinkRewriter(ORG, GW).rewrite(chunk);
    assertEquals(body.replace(ORG, GW), out.toString());

    chunk.setByte(2, (byte) 'A'); // the caller must not do this; here it shows what is shared
    chunk.setByte(chunk.length() - 3, (byte) 'B');
    assertEquals('A', out.getByte(2));
    assertEquals('B', out.getByte(out.length() - 3));
  }

  @Test
  void aChunkEndingInAPossibleOriginComesBackAsASliceOfItself() {
    String body = "{\"a\":1,\"@odata.nextLink\":\"https:\\/\\/contoso.crm4";
    Buffer chunk = Buffer.buffer(body);
    LinkRewriter rewriter = new LinkRewriter(ORG, GW);
    Buffer out = rewriter.rewrite(chunk);
    assertEquals(body.length() - rewriter.heldBytes(), out.length());
    chunk.setByte(2, (byte) 'A');
    assertEquals('A', out.getByte(2));
    assertEquals(
        "{\"A\":1,\"@odata.nextLink\":\"https:\\/\\/gw.example.com\\/proxy\\/contoso\\/api\"}",
        out.toString() + rewriter.rewrite(Buffer.buffer(".dynamics.com\\/api\"}")));
  }

  @Test
  @SuppressWarnings("deprecation") // Buffer.buffer(ByteBuf): the only way to wrap direct memory
  void aChunkInDirectMemoryIsRewrittenTheSame() {
    byte[] in = bytes(dataversePage(50, ORG));
    LinkRewriter rewriter = new LinkRewriter(ORG, GW);
    Buffer out = Buffer.buffer();
    for (int from = 0; from < in.length; from += 1_000) {
      ByteBuf direct = Unpooled.directBuffer(1_000);
      direct.writeBytes(in, from, Math.min(1_000, in.length - from));
      out.appendBuffer(rewriter.rewrite(Buffer.buffer(direct)));
    }
    out.appendBuffer(rewriter.finish());
    assertEquals(dataversePage(50, GW), out.toString());
  }

  /** Cut positions every {@code step} bytes. */
  private static int[] every(int step, int length) {
    int[] cuts = new int[(length - 1) / step];
    Arrays.setAll(cuts, i -> (i + 1) * step);
    return cuts;
  }

  /** Feeds {@code in} cut at the given ascending positions, then finishes. */
  private static byte[] rewriteInChunks(byte[] in, int... cuts) {
    return rewriteInChunks(false, in, cuts);
  }

  private static byte[] rewriteInChunks(boolean multipart, byte[] in, int... cuts) {
    LinkRewriter rewriter = new LinkRewriter(ORG, GW, multipart);
    Buffer out = Buffer.buffer();
    int from = 0;
    for (int cut : cuts) {
      out.appendBuffer(rewriter.rewrite(Buffer.buffer(Arrays.copyOfRange(in, from, cut))));
      assertTrue(rewriter.heldBytes() <= rewriter.maxHeldBytes());
      from = cut;
    }
    out.appendBuffer(rewriter.rewrite(Buffer.buffer(Arrays.copyOfRange(in, from, in.length))));
    out.appendBuffer(rewriter.finish());
    return out.getBytes();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
