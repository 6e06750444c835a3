package io.dynagate.token;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Minimal Redis client for the IT: sends commands on one connection, reads one reply each. */
final class Resp {
  private Resp() {}

  @SafeVarargs
  static void commands(List<String>... commands) throws IOException {
    try (Socket s = new Socket("127.0.0.1", 6379)) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      for (List<String> command : commands) {
        StringBuilder b = new StringBuilder("*").append(command.size()).append("\r\n");
        for (String part : command) {
          byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
          b.append('$').append(bytes.length).append("\r\n").append(part).append("\r\n");
        }
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        readLine(in); // +OK / :n
      }
    }
  }

  private static void readLine(InputStream in) throws IOException {
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      // skip to the end of the reply line
    }
  }
}
