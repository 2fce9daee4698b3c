package gapless.tools;

import gapless.client.EventTail;
import gapless.client.NodeEvent;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Prints a local cluster's events live, one readable line each, as the nodes write them to their
 * event files, and keeps every event it saw for the caller's later accounting. Reading the files
 * rather than one node's HTTP stream means a killed or restarting node's own events are shown too.
 */
public final class EventPrinter implements AutoCloseable {

  private final EventTail tail;
  private final PrintStream out;
  private final List<NodeEvent> seen = new ArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "gapless-event-printer");
    t.setDaemon(true);
    return t;
  });

  /** Starts printing the events written from now on; {@code out} null = collect quietly. */
  public EventPrinter(LocalCluster cluster, PrintStream out) {
    this.tail = new EventTail(cluster.logDir()).fromEnd();
    this.out = out;
    timer.scheduleWithFixedDelay(this::pollOnce, 0, 200, TimeUnit.MILLISECONDS);
  }

  /** Every event seen so far, in the order printed. */
  public synchronized List<NodeEvent> events() {
    return List.copyOf(seen);
  }

  /** Reads what is new now, so the caller's next look at {@link #events} is current. */
  public void pollNow() {
    pollOnce();
  }

  private synchronized void pollOnce() {
    for (NodeEvent e : tail.poll()) {
      seen.add(e);
      if (out != null) {
        out.println("  event " + e.readable());
      }
    }
    if (out != null) {
      out.flush();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pollOnce();
  }
}
