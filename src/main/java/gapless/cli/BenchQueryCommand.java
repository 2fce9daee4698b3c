package gapless.cli;

import gapless.tools.QueryBenchmark;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gapless bench query}: samples/s one storage node reads back, raw for one tag and as an
 * aggregate over many tags, next to the raw LevelDB scan rate; run by {@link QueryBenchmark}.
 */
@Command(name = "query", mixinStandardHelpOptions = true,
    description = "Measure samples/s read from one storage node (one tag raw, many tags aggregated), and the raw LevelDB scan rate.")
public final class BenchQueryCommand implements Callable<Integer> {

  @Mixin
  LocalClusterOptions local;

  @Mixin
  BaselineOptions baseline;

  @Option(names = "--samples", defaultValue = "2000000", description = "Samples of the one-tag history, and of the many-tag one (default: ${DEFAULT-VALUE})")
  int samples;

  @Option(names = "--tags", defaultValue = "100", description = "Tags of the many-tag history, read in one request (1-100, default: ${DEFAULT-VALUE})")
  int tags;

  @Option(names = "--rounds", defaultValue = "5", description = "Times each read runs; the median is reported (default: ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--port-offset", defaultValue = "3800", description = "Added to every node port (default: ${DEFAULT-VALUE})")
  int portOffset;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (tags < 1 || tags > 100 || rounds < 1 || samples < tags || samples % tags != 0 || samples / tags > 50_000) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--tags must be 1-100, --rounds at least 1, and --samples a"
          + " multiple of --tags of at most 50,000 samples a tag (one answer of every tag holds them all)");
    }
    QueryBenchmark.Settings s = new QueryBenchmark.Settings(local.settings(portOffset), baseline.settings(), samples, tags, rounds);
    QueryBenchmark.run(s, System.out);
    return 0;
  }
}
