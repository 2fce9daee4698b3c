package gapless.cli;

import gapless.tools.JournalBenchmark;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gapless bench journal}: the node's group-committed journal against Akka's ({@link JournalBenchmark}). */
@Command(name = "journal", mixinStandardHelpOptions = true,
    description = "Measure synced persists/s of the node's journal against Akka's LevelDB journal, with many writers at once.")
public final class BenchJournalCommand implements Callable<Integer> {

  @Option(names = "--writers", defaultValue = "64", description = "Persistent actors writing at once (default: ${DEFAULT-VALUE})")
  int writers;

  @Option(names = "--warmup", defaultValue = "3", description = "Seconds before each measurement (default: ${DEFAULT-VALUE})")
  long warmupSeconds;

  @Option(names = "--duration", defaultValue = "6", description = "Seconds measured per journal (default: ${DEFAULT-VALUE})")
  long durationSeconds;

  @Option(names = "--out", defaultValue = "docs/BENCHMARKS.md", description = "Document to update (default: ${DEFAULT-VALUE})")
  Path out;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (writers < 1 || warmupSeconds < 0 || durationSeconds < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--writers and --duration must be at least 1, --warmup at least 0");
    }
    JournalBenchmark.run(new JournalBenchmark.Settings(writers, Duration.ofSeconds(warmupSeconds), Duration.ofSeconds(durationSeconds), out),
        System.out);
    return 0;
  }
}
