package gapless.cli;

import gapless.tools.RecoveryBenchmark;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gapless bench recovery}: does recovery cost grow with the gap and not with the history?
 * Runs the {@link RecoveryBenchmark} (H = 1 and 10 by default); exit 0 when s3 recovered in every round.
 */
@Command(name = "recovery", mixinStandardHelpOptions = true,
    description = "Measure recovery of a killed storage node after short and 10x longer histories, against the gap it missed.")
public final class BenchRecoveryCommand implements Callable<Integer> {

  @Mixin
  LocalClusterOptions local;

  @Mixin
  BaselineOptions baseline;

  @Option(names = "--base", defaultValue = "4", description = "Seconds of flat-out history for H = 1 (default: ${DEFAULT-VALUE})")
  long baseSeconds;

  @Option(names = "--factors", split = ",", defaultValue = "1,10", description = "History factors H (default: ${DEFAULT-VALUE})")
  List<Integer> factors;

  @Option(names = "--gap", defaultValue = "10", description = "Seconds of load while s3 is down (default: ${DEFAULT-VALUE})")
  long gapSeconds;

  @Option(names = "--gap-rate", defaultValue = "60000", description = "Samples/s during the gap (default: ${DEFAULT-VALUE})")
  double gapRate;

  @Option(names = "--collectors", defaultValue = "8", description = "Collectors (default: ${DEFAULT-VALUE})")
  int collectors;

  @Option(names = "--tags", defaultValue = "20", description = "Tags per batch (default: ${DEFAULT-VALUE})")
  int tags;

  @Option(names = "--samples-per-tag", defaultValue = "50", description = "Samples of each tag per batch (default: ${DEFAULT-VALUE})")
  int samplesPerTag;

  @Option(names = "--recovery-wait", defaultValue = "120", description = "Seconds to wait for recovery to complete (default: ${DEFAULT-VALUE})")
  long recoveryWaitSeconds;

  @Option(names = "--port-offset", defaultValue = "3500", description = "Added to every node port (default: ${DEFAULT-VALUE})")
  int portOffset;

  @Override
  public Integer call() throws IOException {
    RecoveryBenchmark.Settings s = new RecoveryBenchmark.Settings(local.settings(portOffset), baseline.settings(),
        baseSeconds, factors, gapSeconds, gapRate, collectors, tags, samplesPerTag, recoveryWaitSeconds);
    return RecoveryBenchmark.run(s, System.out).ok() ? 0 : CliErrors.RUNTIME;
  }
}
