package gapless.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a system command for the fault injectors (iptables, tc, mount), bounded in time. */
final class Commands {

  record Result(int exit, String output) {}

  private Commands() {}

  /** Runs {@code cmd}, waiting at most 30 s; its output and error together. */
  static Result run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return new Result(-1, "interrupted");
    }
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
  }

  /** Runs {@code cmd} and fails with its output unless it exits 0. */
  static void require(List<String> cmd) {
    try {
      Result r = run(cmd);
      if (r.exit() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed: " + r.output());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
    }
  }
}
