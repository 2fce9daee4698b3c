package gapless.node;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.stream.javadsl.Tcp;
import com.typesafe.config.Config;
import gapless.config.GaplessSettings;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
      CompletableFuture<NodeDisks> opening = CompletableFuture.supplyAsync(() -> NodeDisks.open(config, settings),
          task -> startDaemon("gapless-open-disks", task));
      CompletableFuture<Tcp.ServerBinding> started = new CompletableFuture<>();
      ActorSystem<Guardian.Command> system;
      try {
        system = ActorSystem.create(Guardian.create(settings, opening, started), "gapless", config);
      } catch (RuntimeException e) {
        opening.thenAccept(NodeDisks::close);
        throw e;
      }
      // Closed only once every actor has stopped, so no store call can race the close.
      CompletableFuture<Void> closed = system.getWhenTerminated().toCompletableFuture()
          .thenAcceptBoth(opening, (terminated, disks) -> disks.close());
      try {
        opening.join();
      } catch (CompletionException e) {
        // The guardian stops too (it waits for the disks), and the node leaves the cluster it may have joined.
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        err.println("gapless node: " + (e.getCause() instanceof NodeDisks.Unusable u ? u.getMessage() : DataDirs.oneLine(e.getCause())));
        return 1;
      }
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

  private static void startDaemon(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** The guardian stopped (a core actor stopped), not a shutdown anyone asked for. */
  private static boolean stoppedByFailure(ActorSystem<?> system) {
    return shutdownReasonIs(system, CoordinatedShutdown.actorSystemTerminateReason());
  }

  private static boolean downedByCluster(ActorSystem<?> system) {
    return shutdownReasonIs(system, CoordinatedShutdown.clusterDowningReason());
  }

  private static boolean shutdownReasonIs(ActorSystem<?> system, CoordinatedShutdown.Reason reason) {
    return CoordinatedShutdown.get(system).getShutdownReason().map(reason::equals).orElse(false);
  }
}
