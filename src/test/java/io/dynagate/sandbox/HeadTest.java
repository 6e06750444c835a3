package io.dynagate.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HEAD answers like GET without a body. Checked on a raw socket: a HEAD and a GET are pipelined on
 * one connection, so any body bytes after the HEAD's headers would show up before the GET's status
 * line.
 */
class HeadTest {

  /** Headers that differ from one answer to the next. */
  private static final List<String> VARYING =
      List.of("req_id", "x-ms-service-request-id", "set-cookie");

  @RegisterExtension
  static final SandboxExtension sandbox =
      SandboxExtension.started().resetBeforeEach().tokenBeforeEach();

  /** Status line and headers of an answer, lower-case names, varying ones left out. */
  private record Head(String statusLine, Map<String, String> headers) {}

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "",
        "$metadata",
        "WhoAmI",
        "accounts",
        "accounts?$select=name&$filter=statecode%20eq%200&$orderby=name%20desc",
        "accounts(0f9d6f4a-1c2b-4e8a-9f10-000000000001)",
        "accounts/$count?$filter=statecode%20eq%201",
        "accounts(0f9d6f4a-1c2b-4e8a-9f10-0000000000ff)",
        "nosuchset",
        "accounts?$filter=name%20eq",
      })
  void headAnswersTheStatusAndHeadersOfGetWithoutABody(String path) throws IOException {
    String target = SandboxHttp.API + path;
    String[] prefer = {"Prefer", "odata.include-annotations=\"*\",odata.maxpagesize=2"};
    Head get = headOf(rawExchange("GET", target, prefer).get(0));
    List<String> answers = rawExchange("HEAD", target, prefer);

    Head head = headOf(answers.get(0));
    assertEquals(get, head);
    assertTrue(answers.get(0).endsWith("\r\n\r\n"), "no body after the HEAD's headers");
    assertTrue(answers.get(1).startsWith("HTTP/1.1 200 OK\r\n"), answers.get(1));
  }

  @Test
  void headOnBatchIs405() throws IOException {
    assertTrue(rawExchange("HEAD", SandboxHttp.API + "$batch").get(0).startsWith("HTTP/1.1 405 "));
  }

  @Test
  void headMeetsTheKnobsToo() throws IOException {
    sandbox.knobs(new JsonObject().put("fail500Next", 1));

    List<String> answers = rawExchange("HEAD", SandboxHttp.API + "accounts");

    assertTrue(answers.get(0).startsWith("HTTP/1.1 500 "), answers.get(0));
    assertTrue(answers.get(0).endsWith("\r\n\r\n"));
  }

  @Test
  void headOfAnEntityCarriesItsEtag() {
    HttpResponse<String> head = sandbox.api("HEAD", "accounts(" + SeedData.CONTOSO + ")", null);

    assertEquals(200, head.statusCode());
    assertTrue(head.headers().firstValue("ETag").orElseThrow().startsWith("W/\""));
    assertEquals("", head.body());
  }

  private static Head headOf(String answer) {
    String[] lines = answer.substring(0, answer.indexOf("\r\n\r\n")).split("\r\n");
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      if (!VARYING.contains(name)) {
        headers.put(name, lines[i].substring(colon + 1).trim());
      }
    }
    return new Head(lines[0], headers);
  }

  /**
   * Sends {@code method target} then {@code GET WhoAmI} on one connection and splits what comes
   * back into the two answers (the first up to the second's status line).
   */
  private List<String> rawExchange(String method, String target, String... headers)
      throws IOException {
    StringBuilder extra = new StringBuilder();
    for (int i = 0; i < headers.length; i += 2) {
      extra.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    String requests =
        method
            + " "
            + target
            + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
            + sandbox.testToken()
            + "\r\n"
            + extra
            + "\r\nGET "
            + SandboxHttp.API
            + "WhoAmI HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
            + sandbox.testToken()
            + "\r\nConnection: close\r\n\r\n";
    try (Socket socket = new Socket("localhost", sandbox.server().port())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(requests.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int second = text.indexOf("HTTP/1.1 ", 1);
      return second < 0
          ? List.of(text, "")
          : List.of(text.substring(0, second), text.substring(second));
    }
  }
}
