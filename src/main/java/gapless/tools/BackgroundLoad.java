package gapless.tools;

import gapless.client.GaplessClient;
import gapless.client.GaplessClientException;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link Simulator} run on its own thread, so that a fault scenario can kill and restart nodes
 * while collectors keep sending, then stop the load when it chooses. The settings' duration is
 * an upper bound; {@link #stop} ends the run earlier.
 */
public final class BackgroundLoad {

  private final Simulator simulator;
  private final CompletableFuture<SimulationResult> result;

  private BackgroundLoad(Simulator simulator, CompletableFuture<SimulationResult> result) {
    this.simulator = simulator;
    this.result = result;
  }

  /** Starts sending now. {@code progress} gets the simulator's progress lines; null = quiet. */
  public static BackgroundLoad start(GaplessClient client, SimulationSettings settings, PrintStream progress) {
    Simulator sim = new Simulator(client);
    CompletableFuture<SimulationResult> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(sim.run(settings, progress));
      } catch (RuntimeException | Error e) {
        f.completeExceptionally(e);
      }
    }, "gapless-background-load");
    t.setDaemon(true);
    t.start();
    return new BackgroundLoad(sim, f);
  }

  /** Stops sending and waits (bounded by the request timeouts) for the batches in flight. */
  public SimulationResult stop() {
    simulator.stop();
    return await();
  }

  /** Waits for the run to end by itself (its duration) and returns its totals. */
  public SimulationResult await() {
    try {
      // The simulator bounds its own end: duration plus the in-flight request timeout.
      return result.get(10, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GaplessClientException("interrupted while waiting for the load to end", 0, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new GaplessClientException("load failed: " + e.getCause(), 0, e.getCause());
    } catch (TimeoutException e) {
      throw new GaplessClientException("load did not end within 10 minutes", 0, e);
    }
  }
}
