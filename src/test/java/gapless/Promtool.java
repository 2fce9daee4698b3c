package gapless;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' own parser and linter for a {@code /metrics} page: {@code promtool check metrics},
 * from Debian's prometheus package ({@code .ci/install-test-tools} installs it).
 */
public final class Promtool {

  private Promtool() {}

  public static boolean installed() {
    try {
      return new ProcessBuilder("promtool", "--version").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** What promtool says of {@code exposition}, empty when it accepts it. */
  public static String problems(String exposition) throws IOException, InterruptedException {
    Process check = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    try (var in = check.getOutputStream()) {
      in.write(exposition.getBytes(StandardCharsets.UTF_8));
    }
    String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(check.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
    return check.exitValue() == 0 ? "" : "exit " + check.exitValue() + ": " + said;
  }
}
