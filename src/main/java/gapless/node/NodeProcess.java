package gapless.node;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.stream.javadsl.Tcp;
import com.typesafe.config.Config;
import gapless.collector.GatewayBuffer;
import gapless.config.GaplessSettings;
import gapless.store.DiskSpace;
import gapless.store.SampleStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One cluster node for the life of the process. Runs an actor system until it is shut down
 * (SIGTERM runs Akka's coordinated shutdown). A node downed by the cluster (the split-brain
 * resolver after a pause or a partition) cannot rejoin with the same incarnation, so this closes
 * the LevelDB handles, starts a fresh actor system with the same node id and data, rejoins and
 * recovers.
 */
public final class NodeProcess {

  private final Config config;
  private final GaplessSettings settings;
  private final PrintStream err;

  public NodeProcess(Config config, GaplessSettings settings, PrintStream err) {
    this.config = config;
    this.settings = settings;
    this.err = err;
  }

  /**
   * Runs until the node is shut down other than by the cluster downing it.
   *
   * @return the process exit code: 0 after a shutdown, 1 when the store or the HTTP port cannot
   *     be had (with one line on {@code err})
   */
  public int run() throws InterruptedException, ExecutionException, TimeoutException {
    while (true) {
      Optional<String> badJournal = DataDirs.journalProblem(config);
      if (badJournal.isPresent()) {
        err.println("gapless node: " + badJournal.get() + "; " + DataDirs.wayOut(settings.dataDir(), settings.nodeId()));
        return 1;
      }
      Optional<SampleStore> store;
      Path samples = settings.dataDir().resolve("samples");
      try {
        store = settings.isStorageNode()
            ? Optional.of(SampleStore.open(samples, settings.query().bucketMillis(), settings.nodeId(),
                DiskSpace.of(samples, settings.disk().minFree()), settings.disk().compressed()))
            : Optional.empty();
      } catch (RuntimeException e) {
        err.println("gapless node: cannot open the sample store in " + samples + ": " + DataDirs.oneLine(e)
            + (DataDirs.isCorruption(e) ? "; " + DataDirs.wayOut(samples, settings.nodeId()) : ""));
        return 1;
      }
      Optional<GatewayBuffer> buffer;
      Path buffered = settings.dataDir().resolve("buffer");
      try {
        buffer = config.getStringList("akka.cluster.roles").contains("gateway")
            ? Optional.of(GatewayBuffer.open(buffered, settings.ingest().bufferMaxBytes(),
                DiskSpace.of(buffered, settings.disk().minFree())))
            : Optional.empty();
      } catch (RuntimeException e) {
        store.ifPresent(SampleStore::close);
        err.println("gapless node: cannot open the gateway buffer in " + settings.dataDir() + ": " + e.getMessage());
        return 1;
      }
      CompletableFuture<Tcp.ServerBinding> started = new CompletableFuture<>();
      ActorSystem<Void> system = ActorSystem.create(Guardian.create(settings, store, buffer, started), "gapless", config);
      // Closed only once every actor has stopped, so no store call can race the close.
      CompletableFuture<Void> closed = system.getWhenTerminated()
          .thenRun(() -> {
            store.ifPresent(SampleStore::close);
            buffer.ifPresent(GatewayBuffer::close);
          }).toCompletableFuture();
      try {
        started.get(30, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        err.println("gapless node: cannot serve HTTP on " + settings.http().host() + ":" + settings.http().port()
            + ": " + cause.getMessage());
        system.terminate();
        closed.get(30, TimeUnit.SECONDS);
        return 1;
      }
      closed.join();
      if (stoppedByFailure(system)) {
        err.println("gapless node: " + settings.nodeId() + " stopped after a failure of one of its parts; see its log");
        return 1;
      }
      if (!downedByCluster(system)) {
        return 0;
      }
      err.println("gapless node: " + settings.nodeId()
          + " was downed by the cluster; restarting with the same node id and data to rejoin");
    }
  }

  /** The guardian stopped (a core actor stopped), not a shutdown anyone asked for. */
  private static boolean stoppedByFailure(ActorSystem<Void> system) {
    return shutdownReasonIs(system, CoordinatedShutdown.actorSystemTerminateReason());
  }

  private static boolean downedByCluster(ActorSystem<Void> system) {
    return shutdownReasonIs(system, CoordinatedShutdown.clusterDowningReason());
  }

  private static boolean shutdownReasonIs(ActorSystem<Void> system, CoordinatedShutdown.Reason reason) {
    return CoordinatedShutdown.get(system).getShutdownReason().map(reason::equals).orElse(false);
  }
}
