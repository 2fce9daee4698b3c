package gapless.cli;

import gapless.tools.IdleBenchmark;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gapless bench idle}: what an idle cluster costs per collector, with replica passivation
 * off (the baseline) and on. Runs the {@link IdleBenchmark}; exit 0 when every collector got its batch.
 */
@Command(name = "idle", mixinStandardHelpOptions = true,
    description = "Measure the CPU an idle cluster uses for many quiet collectors, with replica passivation off and on.")
public final class BenchIdleCommand implements Callable<Integer> {

  @Mixin
  LocalClusterOptions local;

  @Option(names = "--collectors", defaultValue = "2000", description = "Collectors that each send one batch (default: ${DEFAULT-VALUE})")
  int collectors;

  @Option(names = "--senders", defaultValue = "64", description = "First batches sent at once, each waiting for its answer (default: ${DEFAULT-VALUE})")
  int senders;

  @Option(names = "--passivate-after", defaultValue = "20", description = "Seconds of gapless.replica.passivate-after with passivation on (default: ${DEFAULT-VALUE})")
  long passivateAfterSeconds;

  @Option(names = "--settle", defaultValue = "60", description = "Quiet seconds before the window (default: ${DEFAULT-VALUE})")
  long settleSeconds;

  @Option(names = "--window", defaultValue = "60", description = "Seconds of CPU time measured (default: ${DEFAULT-VALUE})")
  long windowSeconds;

  @Option(names = "--out", defaultValue = "docs/BENCHMARKS.md", description = "Document to update (default: ${DEFAULT-VALUE})")
  Path out;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--port-offset", defaultValue = "3700", description = "Added to every node port (default: ${DEFAULT-VALUE})")
  int portOffset;

  @Override
  public Integer call() throws IOException {
    if (collectors < 1 || senders < 1 || passivateAfterSeconds < 1 || settleSeconds < 0 || windowSeconds < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--collectors, --senders, --passivate-after and --window must be at least 1, --settle at least 0");
    }
    IdleBenchmark.Settings s = new IdleBenchmark.Settings(local.settings(portOffset), out, collectors, senders,
        Duration.ofSeconds(passivateAfterSeconds), Duration.ofSeconds(settleSeconds), Duration.ofSeconds(windowSeconds));
    return IdleBenchmark.run(s, System.out) ? 0 : CliErrors.RUNTIME;
  }
}
