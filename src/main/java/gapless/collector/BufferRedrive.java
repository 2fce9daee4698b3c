package gapless.collector;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import gapless.collector.CollectorProtocol.IngestResult;
import gapless.collector.CollectorProtocol.Outcome;
import gapless.collector.CollectorProtocol.Resubmit;
import gapless.config.GaplessSettings;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Hands the batches in this gateway's disk buffer that no live owner here is sending any more
 * (left by an owner that crashed, was fenced, or ran before this gateway restarted) to each
 * collector's current owner, wherever it runs, and forgets each once that owner has it (on W
 * replicas, or in its own buffer). Never sends one under its old seq itself: the owner decides
 * ({@link CollectorProtocol.Resubmit}). At most {@code WINDOW} batches are out at once.
 */
public final class BufferRedrive {

  /** Messages the redrive handles. Local only. */
  public interface Command extends NoSerializationVerificationNeeded {}

  /** A collector owner on this node sends its own buffered batches of {@code epoch} itself. */
  public record Owning(String collector, long epoch, ActorRef<CollectorProtocol.Command> owner) implements Command {}

  private record OwnerStopped(String collector, ActorRef<CollectorProtocol.Command> owner) implements Command {}

  private record Read(GatewayBuffer.Key key, Optional<byte[]> blob, Throwable failure) implements Command {}

  private record Answered(GatewayBuffer.Key key, IngestResult result, Throwable failure) implements Command {}

  private enum Scan implements Command { INSTANCE }

  private static final int WINDOW = 32;
  private static final int PER_COLLECTOR = 4;

  public static Behavior<Command> create(GaplessSettings settings, GatewayBuffer buffer, CollectorOwners owners) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Scan.INSTANCE, Duration.ZERO, settings.ingest().redriveInterval());
      return new BufferRedrive(ctx, settings, buffer, owners).running();
    }));
  }

  private final ActorContext<Command> context;
  private final GaplessSettings settings;
  private final GatewayBuffer buffer;
  private final CollectorOwners owners;
  private final Executor io;
  private final Map<String, Owning> live = new HashMap<>();
  private final Set<GatewayBuffer.Key> outstanding = new HashSet<>();
  private GatewayBuffer.Key cursor;

  private BufferRedrive(ActorContext<Command> context, GaplessSettings settings, GatewayBuffer buffer, CollectorOwners owners) {
    this.context = context;
    this.settings = settings;
    this.buffer = buffer;
    this.owners = owners;
    this.io = context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("gapless-store-dispatcher"));
  }

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(Owning.class, m -> {
          live.put(m.collector(), m);
          context.watchWith(m.owner(), new OwnerStopped(m.collector(), m.owner()));
          return Behaviors.same();
        })
        .onMessage(OwnerStopped.class, m -> {
          Owning o = live.get(m.collector());
          if (o != null && o.owner().equals(m.owner())) {
            live.remove(m.collector());
          }
          return Behaviors.same();
        })
        .onMessageEquals(Scan.INSTANCE, () -> {
          scan();
          return Behaviors.same();
        })
        .onMessage(Read.class, this::onRead)
        .onMessage(Answered.class, this::onAnswered)
        .build();
  }

  /**
   * Sends up to the window, starting after where the last scan stopped and at most
   * {@code PER_COLLECTOR} of one collector at a time, so one collector whose owner cannot take its
   * batches (too few replicas) does not hold back the others'.
   */
  private void scan() {
    List<GatewayBuffer.Key> keys = buffer.keys();
    int at = cursor == null ? -1 : Collections.binarySearch(keys, cursor);
    int start = at >= 0 ? at + 1 : -at - 1;
    Map<String, Integer> perCollector = new HashMap<>();
    outstanding.forEach(k -> perCollector.merge(k.collector(), 1, Integer::sum));
    for (int i = 0; i < keys.size() && outstanding.size() < WINDOW; i++) {
      GatewayBuffer.Key key = keys.get((start + i) % keys.size());
      Owning o = live.get(key.collector());
      if ((o != null && o.epoch() == key.epoch()) || outstanding.contains(key)
          || perCollector.getOrDefault(key.collector(), 0) >= PER_COLLECTOR) {
        continue;
      }
      outstanding.add(key);
      perCollector.merge(key.collector(), 1, Integer::sum);
      cursor = key;
      context.pipeToSelf(CompletableFuture.supplyAsync(() -> buffer.read(key.collector(), key.epoch(), key.seq()), io),
          (blob, failure) -> new Read(key, blob, failure));
    }
  }

  private Behavior<Command> onRead(Read r) {
    if (r.failure() != null || r.blob().isEmpty()) {
      outstanding.remove(r.key());
      return Behaviors.same();
    }
    GatewayBuffer.Key k = r.key();
    // The owner may have to claim first; a resubmission after a timeout joins the first one there.
    Duration timeout = settings.ingest().answerWithin(settings.http());
    context.pipeToSelf(owners.ask(k.collector(), replyTo -> new Resubmit(k.epoch(), k.seq(), r.blob().get(), replyTo), timeout),
        (result, failure) -> new Answered(k, result, failure));
    return Behaviors.same();
  }

  private Behavior<Command> onAnswered(Answered a) {
    outstanding.remove(a.key());
    GatewayBuffer.Key k = a.key();
    if (a.failure() == null && (a.result().outcome() == Outcome.STORED || a.result().outcome() == Outcome.BUFFERED)) {
      context.getLog().info("Buffered batch [{}] of [{}] (epoch [{}]) handed to its current owner: {} as seq [{}]",
          k.seq(), k.collector(), k.epoch(), a.result().outcome(), a.result().seq());
      CompletableFuture.runAsync(() -> buffer.delete(k.collector(), k.epoch(), k.seq()), io);
    }
    // Otherwise it stays here and goes again at a later scan.
    return Behaviors.same();
  }
}
