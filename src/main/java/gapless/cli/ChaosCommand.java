package gapless.cli;

import gapless.tools.Chaos;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gapless chaos}: the chaos checker ({@link Chaos}) on a local cluster from {@code ./conf}.
 * Exit 0 only when nothing acknowledged was lost or doubled and every fault healed in time.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = "Local 3 storage + 2 gateway cluster under load while faults are injected one or two at a time"
        + " (kill -9, SIGSTOP, damaged stores, partitions, one-way partitions, slow links, full disks; the last four"
        + " need root), then verify."
        + " Prints a verdict table; exit 0 when every acknowledged batch is on every replica exactly once.")
public final class ChaosCommand implements Callable<Integer> {

  @Mixin
  LocalClusterOptions local;

  @Option(names = "--duration", defaultValue = "10m", converter = DurationConverter.class,
      description = "How long faults are injected (default: ${DEFAULT-VALUE})")
  Duration duration;

  @Option(names = "--seed", description = "Seed of the fault schedule, to run the same faults again (default: random, printed)")
  Long seed;

  @Option(names = "--collectors", defaultValue = "4", description = "Collectors (default: ${DEFAULT-VALUE})")
  int collectors;

  @Option(names = "--tags", defaultValue = "5", description = "Tags per batch (default: ${DEFAULT-VALUE})")
  int tags;

  @Option(names = "--samples-per-tag", defaultValue = "20", description = "Samples of each tag per batch (default: ${DEFAULT-VALUE})")
  int samplesPerTag;

  @Option(names = "--rate", defaultValue = "5000", description = "Samples/s over all collectors (default: ${DEFAULT-VALUE})")
  double rate;

  @Option(names = "--heal-within", defaultValue = "120s", converter = DurationConverter.class,
      description = "How long the cluster may take to be whole again after a fault is taken away (default: ${DEFAULT-VALUE})")
  Duration healWithin;

  @Option(names = "--port-offset", defaultValue = "0", description = "Added to every node port (default: ${DEFAULT-VALUE})")
  int portOffset;

  @Override
  public Integer call() throws IOException {
    long s = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000);
    Chaos.Settings settings = new Chaos.Settings(local.settings(portOffset), duration, s, collectors, tags, samplesPerTag, rate,
        healWithin, Duration.ofSeconds(120));
    return Chaos.run(settings, System.out).ok() ? 0 : 1;
  }
}
