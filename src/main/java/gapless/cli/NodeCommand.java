package gapless.cli;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.ServerBinding;
import com.typesafe.config.Config;
import gapless.Guardian;
import gapless.config.GaplessSettings;
import gapless.config.NodeConfig;
import gapless.store.SampleStore;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gapless node --config conf/s1.conf}: runs one cluster node until it is shut down
 * (SIGTERM runs Akka's coordinated shutdown). A node downed by the cluster (the split-brain
 * resolver after a pause or a partition) cannot rejoin with the same incarnation, so the process
 * closes its LevelDB handles, starts a fresh actor system with the same node id and data, rejoins
 * and recovers. Exits non-zero with one line when the config is bad, the data directory is in
 * use, or the HTTP port is taken.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Start one cluster node from a config file (any key can be overridden with -Dkey=value).")
public final class NodeCommand implements Callable<Integer> {

  @Option(names = "--config", required = true, description = "Node config file, e.g. conf/s1.conf")
  Path config;

  @Override
  public Integer call() throws Exception {
    Config conf;
    GaplessSettings settings;
    try {
      conf = NodeConfig.load(config);
      settings = GaplessSettings.from(conf);
    } catch (NodeConfig.InvalidConfig e) {
      System.err.println("gapless node: " + e.getMessage());
      return 2;
    }
    while (true) {
      Optional<SampleStore> store;
      try {
        store = settings.isStorageNode()
            ? Optional.of(SampleStore.open(settings.dataDir().resolve("samples"), settings.bucketMillis()))
            : Optional.empty();
      } catch (RuntimeException e) {
        System.err.println("gapless node: cannot open the sample store in " + settings.dataDir() + ": " + e.getMessage());
        return 1;
      }
      CompletableFuture<ServerBinding> started = new CompletableFuture<>();
      ActorSystem<Void> system = ActorSystem.create(Guardian.create(settings, store, started), "gapless", conf);
      // Closed only once every actor has stopped, so no store call can race the close.
      CompletableFuture<Void> closed = system.getWhenTerminated()
          .thenRun(() -> store.ifPresent(SampleStore::close)).toCompletableFuture();
      try {
        started.get(30, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        System.err.println("gapless node: cannot serve HTTP on " + settings.httpHost() + ":" + settings.httpPort()
            + ": " + cause.getMessage());
        system.terminate();
        closed.get(30, TimeUnit.SECONDS);
        return 1;
      }
      closed.join();
      boolean downed = CoordinatedShutdown.get(system).getShutdownReason()
          .map(r -> r.equals(CoordinatedShutdown.clusterDowningReason())).orElse(false);
      if (!downed) {
        return 0;
      }
      System.err.println("gapless node: " + settings.nodeId()
          + " was downed by the cluster; restarting with the same node id and data to rejoin");
    }
  }
}
