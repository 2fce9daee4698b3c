package gapless.cli;

import gapless.client.NodeEvent;
import gapless.tools.Demo;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gapless demo}: the whole method on a local cluster from {@code ./conf}, run by {@link Demo}.
 * Exit 0 only when verification passed.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Local 3 storage + 2 gateway cluster: load, kill -9 a node, restart it, watch it recover, verify."
        + " Exit 0 when every replica holds every acknowledged sample.")
public final class DemoCommand implements Callable<Integer> {

  @Mixin
  LocalClusterOptions local;

  @Option(names = "--victim", defaultValue = "s3", description = "Node to kill -9: a storage node (its recovery is"
      + " watched) or a gateway (gw1, gw2: the other takes over its collectors) (default: ${DEFAULT-VALUE})")
  String victim;

  @Option(names = "--warmup", defaultValue = "5", description = "Seconds of load before the kill (default: ${DEFAULT-VALUE})")
  long warmupSeconds;

  @Option(names = "--down", defaultValue = "8", description = "Seconds the victim stays dead under load (default: ${DEFAULT-VALUE})")
  long downSeconds;

  @Option(names = "--recovery-wait", defaultValue = "90",
      description = "Seconds to wait after the restart for the victim to complete recovery (default: ${DEFAULT-VALUE})")
  long recoveryWaitSeconds;

  @Option(names = "--collectors", defaultValue = "8", description = "Collectors (default: ${DEFAULT-VALUE})")
  int collectors;

  @Option(names = "--tags", defaultValue = "10", description = "Tags per batch (default: ${DEFAULT-VALUE})")
  int tags;

  @Option(names = "--samples-per-tag", defaultValue = "100", description = "Samples of each tag per batch (default: ${DEFAULT-VALUE})")
  int samplesPerTag;

  @Option(names = "--rate", defaultValue = "50000",
      description = "Samples/s over all collectors, 0 = flat out (default: ${DEFAULT-VALUE}; keeps the read-back short)")
  double rate;

  @Option(names = "--port-offset", defaultValue = "0", description = "Added to every node port (default: ${DEFAULT-VALUE})")
  int portOffset;

  @Option(names = "--verify-wait", defaultValue = "90", description = "Seconds verify may wait for replicas to settle (default: ${DEFAULT-VALUE})")
  long verifyWaitSeconds;

  @Override
  public Integer call() throws IOException {
    Demo.Settings s = new Demo.Settings(local.settings(portOffset), victim, warmupSeconds, downSeconds, recoveryWaitSeconds,
        collectors, tags, samplesPerTag, rate, verifyWaitSeconds);
    if (!TerminalProgress.onTerminal()) {
      return Demo.run(s, System.out) ? 0 : 1;
    }
    // The bar appears once the victim is back and the wait for its recovery begins.
    AtomicReference<TerminalProgress> bar = new AtomicReference<>();
    return Demo.run(s, TerminalProgress.besideBar(System.out), w -> {
      if (bar.get() == null) {
        bar.set(TerminalProgress.start("recovery of " + victim, w.collectors(), " collectors"));
      }
      bar.get().stepTo(w.recovered(), w.collectors(), String.format(" %d batches, %s moved", w.batches(),
          NodeEvent.mb(w.bytes())));
      if (w.over()) {
        bar.getAndSet(null).close();
      }
    }) ? 0 : 1;
  }
}
