package gapless.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** User errors end in one line on stderr and a non-zero exit code. */
class MainTest {

  @Test
  void badUrlIsAUsageError() {
    Run r = run("status", "--node", "ftp://x");
    assertEquals(CliErrors.USAGE, r.code);
    assertOneLine(r.err, "not an http URL: ftp://x");
  }

  @Test
  void unknownOptionIsAUsageError() {
    Run r = run("query", "--node", "http://127.0.0.1:1", "--collector", "c", "--tag", "t", "--bogus");
    assertEquals(CliErrors.USAGE, r.code);
    assertOneLine(r.err, "--bogus");
  }

  @Test
  void unreachableNodeIsARuntimeError() {
    Run r = run("status", "--node", "127.0.0.1:1");
    assertEquals(CliErrors.RUNTIME, r.code);
    assertOneLine(r.err, "connection refused");
  }

  @Test
  void verifyWithMissingLedgerSaysSo() {
    Run r = run("verify", "--node", "http://127.0.0.1:1", "--ledger", "/nonexistent/ledger.jsonl");
    assertEquals(CliErrors.RUNTIME, r.code);
    assertOneLine(r.err, "ledger file not found");
  }

  @Test
  void anUnknownOutputIsAUsageError() {
    Run r = run("status", "--node", "http://127.0.0.1:1", "--output", "xml");
    assertEquals(CliErrors.USAGE, r.code);
    assertOneLine(r.err, "--output");
  }

  @Test
  void benchWithoutBenchmarkIsAUsageError() {
    assertEquals(CliErrors.USAGE, run("bench").code);
  }

  @Test
  void aJournalBenchWithoutWritersIsAUsageError() {
    Run r = run("bench", "journal", "--writers", "0");
    assertEquals(CliErrors.USAGE, r.code);
    assertOneLine(r.err, "--writers");
  }

  @Test
  void anIngestBenchOfNoSecondsIsAUsageErrorBeforeAnyClusterStarts() {
    Run r = run("bench", "ingest", "--duration", "0", "--conf", "no-such-conf-dir");
    assertEquals(CliErrors.USAGE, r.code);
    assertOneLine(r.err, "--duration");
  }

  private static void assertOneLine(String err, String expected) {
    assertEquals(1, err.strip().lines().count(), err);
    assertTrue(err.contains(expected), err);
  }

  private static Run run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(new StringWriter(), true));
    int code = cl.execute(args);
    return new Run(code, err.toString());
  }

  private record Run(int code, String err) {}
}
