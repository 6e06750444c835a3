package io.dynagate.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends a request byte for byte over a socket, for request targets that HTTP client libraries
 * refuse or normalise (backslashes, encoded dots, absolute-form targets).
 */
public final class RawHttp {
  private RawHttp() {}

  /** The status code and the whole response text. */
  public record Answer(int status, String text) {}

  public static Answer send(int port, String method, String target, String... headers)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      StringBuilder request = new StringBuilder();
      request.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
      request.append("Host: localhost:").append(port).append("\r\n");
      for (String h : headers) {
        request.append(h).append("\r\n");
      }
      request.append("Connection: close\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int status = Integer.parseInt(text.substring(9, 12));
      return new Answer(status, text);
    }
  }
}
