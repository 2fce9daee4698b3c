package gapless.tools;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import gapless.journal.GroupCommitJournal;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * {@code bench journal}: synced persists per second of the node's journal ({@link GroupCommitJournal})
 * against Akka's own LevelDB journal, in this JVM, one after the other on fresh directories: each
 * of {@code writers} persistent actors persists one small event, waits for it, and persists the
 * next, as many replicas of one node do at once.
 */
public final class JournalBenchmark {

  private static final String AKKAS = "akka.persistence.journal.leveldb.LeveldbJournal";

  public record Settings(int writers, Duration warmup, Duration duration, Path out) {}

  private JournalBenchmark() {}

  public static void run(Settings s, PrintStream out) throws IOException {
    out.println("bench: " + s.writers() + " writers, each persisting one event at a time, fsync on; "
        + s.warmup().toSeconds() + " s warm-up, " + s.duration().toSeconds() + " s measured per journal");
    double akkas = persistsPerSecond(AKKAS, s);
    out.printf("bench: Akka's LevelDB journal: %,.0f persists/s%n", akkas);
    double ours = persistsPerSecond(GroupCommitJournal.class.getName(), s);
    out.printf("bench: group-committed journal: %,.0f persists/s%n", ours);
    new BenchmarkSection("journal", "Journal",
        "bench journal --writers " + s.writers() + " --warmup " + s.warmup().toSeconds() + " --duration " + s.duration().toSeconds())
        .row("setup", s.writers() + " persistent actors in this one JVM (options: "
            + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())
            + "), each persisting a one-byte event and waiting for it before the next; LevelDB JNI, fsync on")
        .row("Akka's LevelDB journal (`LeveldbJournal`)", String.format("%,.0f persists/s", akkas))
        .row("the node's journal (`GroupCommitJournal`)", String.format("%,.0f persists/s", ours))
        .row("group-committed : Akka's", String.format("%.2f", ours / akkas))
        .publish(s.out(), out);
  }

  private static double persistsPerSecond(String journalClass, Settings s) throws IOException {
    Path dir = Files.createTempDirectory("gapless-bench-journal");
    Config config = ConfigFactory.parseString(
            "akka.persistence.journal.leveldb.class = \"" + journalClass + "\"\n"
                + "akka.persistence.journal.leveldb.dir = \"" + dir.resolve("journal") + "\"\n"
                + "gapless-snapshot-store.dir = \"" + dir.resolve("snapshots") + "\"\n"
                + "akka.loglevel = WARNING\n")
        .withFallback(ConfigFactory.parseResources("gapless-akka.conf"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
    AtomicLong persisted = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(ctx -> {
      for (int i = 0; i < s.writers(); i++) {
        String id = "writer-" + i;
        ctx.spawn(Behaviors.<Next>setup(w -> new Writer(id, w.getSelf(), persisted, running)), id).tell(Next.INSTANCE);
      }
      return Behaviors.empty();
    }), "bench-journal", config);
    try {
      LockSupport.parkNanos(s.warmup().toNanos());
      long before = persisted.get();
      long start = System.nanoTime();
      LockSupport.parkNanos(s.duration().toNanos());
      long done = persisted.get() - before;
      return done / ((System.nanoTime() - start) / 1e9);
    } finally {
      running.set(false);
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // The next round uses its own directory.
      }
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private enum Next { INSTANCE }

  /** Persists one event, then tells itself to persist the next, until the run ends. */
  private static final class Writer extends EventSourcedBehavior<Next, String, Long> {
    private final ActorRef<Next> self;
    private final AtomicLong persisted;
    private final AtomicBoolean running;

    Writer(String id, ActorRef<Next> self, AtomicLong persisted, AtomicBoolean running) {
      super(PersistenceId.of("bench", id));
      this.self = self;
      this.persisted = persisted;
      this.running = running;
    }

    @Override
    public Long emptyState() {
      return 0L;
    }

    @Override
    public CommandHandler<Next, String, Long> commandHandler() {
      return newCommandHandlerBuilder().forAnyState().onCommand(Next.class, (n, next) -> Effect().persist("x").thenRun(s -> {
        persisted.incrementAndGet();
        if (running.get()) {
          self.tell(Next.INSTANCE);
        }
      })).build();
    }

    @Override
    public EventHandler<Long, String> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((n, e) -> n + 1);
    }
  }
}
