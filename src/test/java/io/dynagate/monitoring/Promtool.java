package io.dynagate.monitoring;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus's {@code promtool} (Debian package {@code prometheus}; {@code .ci/run} installs
 * it). A missing promtool fails the test that needs it: the rules are never "checked" by a test
 * that skipped.
 */
final class Promtool {
  private Promtool() {}

  /** Exit code and combined output of one run. */
  record Run(int exit, String output) {}

  static Run run(Path workDir, String input, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(executable());
    command.addAll(List.of(args));
    Path out = Files.createTempFile("promtool", ".out");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile());
      if (input == null) {
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      }
      Process p = pb.start();
      if (input != null) {
        try (var stdin = p.getOutputStream()) {
          stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "promtool did not finish within 120 s");
      return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static String executable() throws IOException {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path candidate = Path.of(dir, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new AssertionError(
        "promtool not found on PATH: install Debian's prometheus package (.ci/run does)");
  }
}
