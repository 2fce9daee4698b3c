package gapless.cli;

import gapless.client.GaplessClient;
import gapless.tools.NodeCpu;
import gapless.tools.SimulationResult;
import gapless.tools.IngestFormat;
import gapless.tools.SimulationSettings;
import gapless.tools.Simulator;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gapless simulate}: collector load generator that writes an ack ledger. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Send synthetic collector batches to a gateway and append every acknowledged batch to a ledger.")
public final class SimulateCommand implements Callable<Integer> {

  @Mixin
  ClientOptions clientOptions = new ClientOptions();

  @Option(names = "--gateway", required = true, split = ",", converter = HttpUrlConverter.class,
      description = "Gateway URL, e.g. http://127.0.0.1:8080; several (comma-separated or repeated) spread the"
          + " collectors over them, and a collector whose request fails moves on to the next")
  List<URI> gateway;

  @Option(names = "--collectors", defaultValue = "4", description = "Collectors (default: ${DEFAULT-VALUE})")
  int collectors;

  @Option(names = "--tags", defaultValue = "10", description = "Tags per batch (default: ${DEFAULT-VALUE})")
  int tags;

  @Option(names = "--samples-per-tag", defaultValue = "100", description = "Samples of each tag per batch (default: ${DEFAULT-VALUE})")
  int samplesPerTag;

  @Option(names = "--step-ms", defaultValue = "10", description = "Time between two samples of a tag (default: ${DEFAULT-VALUE})")
  long stepMs;

  @Option(names = "--rate", defaultValue = "0",
      description = "Target samples/s over all collectors; 0 = as fast as acks allow (default: ${DEFAULT-VALUE})")
  double rate;

  @Option(names = "--duration", defaultValue = "10", description = "Seconds to send (default: ${DEFAULT-VALUE})")
  long durationSeconds;

  @Option(names = "--ledger", description = "Ack ledger file to append to (default: none)")
  Path ledger;

  @Option(names = "--concurrency", description = "Requests in flight at most (default: one per collector, up to 64)")
  Integer concurrency;

  @Option(names = "--prefix", defaultValue = "sim", description = "Collector id prefix (default: ${DEFAULT-VALUE})")
  String prefix;

  @Option(names = "--format", defaultValue = "binary", converter = IngestFormatConverter.class,
      description = "Request bodies: binary (application/vnd.gapless.samples) or json (default: ${DEFAULT-VALUE})")
  IngestFormat format;

  @Override
  public Integer call() {
    SimulationSettings s = new SimulationSettings(gateway, collectors, tags, samplesPerTag, stepMs, rate,
        Duration.ofSeconds(durationSeconds), ledger, concurrency == null ? SimulationSettings.defaultConcurrency(collectors) : concurrency,
        prefix, SimulationSettings.defaultStartTs(), format);
    System.out.printf("simulate: %d collectors x %d tags x %d samples/tag to %s for %d s, %s bodies%s%n", collectors, tags,
        samplesPerTag, gateway, durationSeconds, format.label(), ledger == null ? "" : ", ledger " + ledger);
    GaplessClient client = clientOptions.client();
    List<URI> nodes = NodeCpu.clusterNodes(client, gateway);
    NodeCpu before = NodeCpu.read(client, nodes);
    Simulator simulator = new Simulator(client);
    SimulationResult r;
    // On a terminal a bar with an ETA stands for the progress lines; piped or in a log, the lines stay.
    if (TerminalProgress.onTerminal()) {
      try (TerminalProgress bar = TerminalProgress.start("simulate", durationSeconds, " s")) {
        r = simulator.onTick(t -> bar.stepTo(Math.round(t.seconds()), durationSeconds, String.format(
            " acked %d (202: %d), %,.0f samples/s, errors %d", t.acked(), t.buffered(), t.samplesPerSecond(), t.errors())))
            .run(s, TerminalProgress.besideBar(System.out));
        bar.stepTo(durationSeconds, durationSeconds, null);
      }
    } else {
      r = simulator.run(s, System.out);
    }
    System.out.println("CPU seconds per million acked samples: "
        + NodeCpu.read(client, nodes).since(before).perMillion(r.samplesAcked()));
    if (r.acked() == 0) {
      System.err.println("simulate: no batch was acknowledged" + (r.firstErrors().isEmpty() ? "" : "; first error: " + r.firstErrors().get(0)));
      return CliErrors.RUNTIME;
    }
    return 0;
  }
}
