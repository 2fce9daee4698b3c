package gapless.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import gapless.client.GaplessClient;
import gapless.tools.LedgerEntry;
import gapless.tools.Verifier;
import gapless.tools.VerifyReport;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gapless verify}: are the replicas identical, and is every acknowledged sample there? */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Compare every collector's replicas; with a ledger, read every acknowledged sample back from every replica."
        + " Exit 0 when OK, 1 when not.")
public final class VerifyCommand implements Callable<Integer> {

  @Mixin
  ClientOptions clientOptions = new ClientOptions();

  @Option(names = "--node", required = true, converter = HttpUrlConverter.class, description = "Any node's URL")
  URI node;

  @Option(names = "--ledger", description = "Ack ledger written by simulate")
  Path ledger;

  @Option(names = "--wait", defaultValue = "0", description = "Retry for up to this many seconds until OK (default: ${DEFAULT-VALUE})")
  long waitSeconds;

  @Option(names = "--page-size", defaultValue = "50000", description = "Samples per query page (default: ${DEFAULT-VALUE})")
  int pageSize;

  @Option(names = "--exactly-once", description = "Also fail when an acknowledged sample is stored twice (a batch kept"
      + " under two seqs); for a ledger of one run, or of runs over different time windows")
  boolean exactlyOnce;

  @Mixin
  OutputOption output = new OutputOption();

  @Override
  public Integer call() throws JsonProcessingException {
    if (ledger != null) {
      LedgerEntry.checkReadable(ledger);
    }
    GaplessClient client = clientOptions.client();
    // Progress goes to stderr when stdout is for a script.
    PrintStream progress = output.get() == OutputOption.Output.table ? System.out : System.err;
    Verifier verifier = new Verifier(client, node).pageSize(pageSize).exactlyOnce(exactlyOnce);
    VerifyReport report;
    if (TerminalProgress.onTerminal()) {
      try (TerminalProgress bar = TerminalProgress.start("verify", 1, " collectors")) {
        verifier.onProgress(p -> bar.stepTo(p.collectorsDone(), Math.max(1, p.collectors()), barMessage(p)));
        report = verifier.verify(ledger, Duration.ofSeconds(waitSeconds), TerminalProgress.besideBar(progress));
      }
    } else {
      report = verifier.verify(ledger, Duration.ofSeconds(waitSeconds), progress);
    }
    switch (output.get()) {
      case table -> report.print(System.out);
      case csv -> report.printCsv(System.out);
      case json -> {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", report.ok());
        answer.put("verdict", report.verdictLine());
        answer.put("problems", report.problems());
        answer.put("report", report);
        System.out.println(client.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(answer));
      }
    }
    return report.ok() ? 0 : 1;
  }

  private static String barMessage(Verifier.Progress p) {
    String what = p.readBack() ? String.format(" %,d samples read back", p.samplesChecked()) : " replicas compared";
    return what + (p.attempt() > 1 ? ", attempt " + p.attempt() : "");
  }
}
