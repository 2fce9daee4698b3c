package gapless.cli;

import gapless.tools.IngestBenchmark;
import gapless.tools.IngestFormat;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gapless bench ingest}: acknowledged ingest throughput of a local cluster next to the same
 * machine's raw LevelDB key rate and what its sample store alone takes, run by {@link IngestBenchmark};
 * exit 0 when any batch was acked.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Measure acked samples/s of a local cluster, the raw LevelDB key rate and the sample store alone.")
public final class BenchIngestCommand implements Callable<Integer> {

  @Mixin
  LocalClusterOptions local;

  @Mixin
  BaselineOptions baseline;

  @Option(names = "--duration", defaultValue = "20", description = "Seconds of measured load (default: ${DEFAULT-VALUE})")
  long durationSeconds;

  @Option(names = "--warmup", defaultValue = "30", description = "Seconds of unmeasured load first, from collectors of"
      + " its own: on 2 cores the JIT compilers of five fresh JVMs take most of a core for about 30 s (default:"
      + " ${DEFAULT-VALUE})")
  long warmupSeconds;

  @Option(names = "--collectors", defaultValue = "16", description = "Collectors measured: first each one's first batch"
      + " (new collectors/s), then the load (default: ${DEFAULT-VALUE})")
  int collectors;

  @Option(names = "--tags", defaultValue = "20", description = "Tags per batch (default: ${DEFAULT-VALUE})")
  int tags;

  @Option(names = "--samples-per-tag", defaultValue = "250", description = "Samples of each tag per batch (default: ${DEFAULT-VALUE})")
  int samplesPerTag;

  @Option(names = "--format", defaultValue = "binary", converter = IngestFormatConverter.class,
      description = "Request bodies: binary or json; each has its own section of the document (default: ${DEFAULT-VALUE})")
  IngestFormat format;

  @Option(names = "--port-offset", defaultValue = "3000", description = "Added to every node port (default: ${DEFAULT-VALUE})")
  int portOffset;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (durationSeconds < 1 || warmupSeconds < 0 || collectors < 1 || tags < 1 || samplesPerTag < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--duration, --collectors, --tags and --samples-per-tag must be at least 1, --warmup at least 0");
    }
    IngestBenchmark.Settings s = new IngestBenchmark.Settings(local.settings(portOffset), baseline.settings(),
        durationSeconds, warmupSeconds, collectors, tags, samplesPerTag, format);
    return IngestBenchmark.run(s, System.out).ok() ? 0 : CliErrors.RUNTIME;
  }
}
