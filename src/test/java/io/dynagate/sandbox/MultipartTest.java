package io.dynagate.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MultipartTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "multipart/mixed; boundary=batch_1|batch_1",
        "multipart/mixed;boundary=\"batch_2\"|batch_2",
        "Multipart/Mixed; charset=utf-8; Boundary=b3|b3",
      })
  void boundaryIsReadFromTheContentType(String contentType, String boundary) {
    assertEquals(Optional.of(boundary), Multipart.boundary(contentType));
  }

  @Test
  void noBoundaryForOtherContentTypes() {
    assertEquals(Optional.empty(), Multipart.boundary("application/json"));
    assertEquals(Optional.empty(), Multipart.boundary("multipart/mixed"));
    assertEquals(Optional.empty(), Multipart.boundary(null));
  }

  @Test
  void partsAcceptBareLineFeedsAndIgnoreThePreamble() {
    String body =
        "preamble\n--b\nContent-Type: application/http\n\nGET accounts HTTP/1.1\n\n"
            + "--b\nContent-Type: application/http\nContent-ID: 7\n\n"
            + "POST accounts HTTP/1.1\nContent-Type: application/json\n\n{\"name\":\"x\"}\n--b--\n";

    List<Multipart.Part> parts = Multipart.parts(body, "b");

    assertEquals(2, parts.size());
    assertEquals("7", parts.get(1).headers().get("content-id"));
    Multipart.HttpMessage request = Multipart.request(parts.get(1).content());
    assertEquals("POST", request.method());
    assertEquals("accounts", request.target());
    assertEquals("application/json", request.headers().get("Content-Type"));
    assertEquals("{\"name\":\"x\"}", request.body());
  }

  @Test
  void aMissingCloseDelimiterIsA400() {
    DataverseException e =
        assertThrows(DataverseException.class, () -> Multipart.parts("--b\r\n\r\nGET x\r\n", "b"));
    assertEquals(400, e.status());
  }

  @Test
  void aPartWithoutARequestLineIsA400() {
    assertThrows(DataverseException.class, () -> Multipart.request("\r\n\r\n"));
    assertThrows(DataverseException.class, () -> Multipart.request("JUSTONEWORD\r\n"));
  }
}
