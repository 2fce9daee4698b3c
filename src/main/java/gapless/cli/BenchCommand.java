package gapless.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gapless bench}: benchmarks that start their own local cluster. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
    subcommands = {BenchIngestCommand.class, BenchRecoveryCommand.class, BenchIdleCommand.class, BenchJournalCommand.class,
        BenchQueryCommand.class})
public final class BenchCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing benchmark (ingest, recovery, idle, journal, query)");
  }
}
