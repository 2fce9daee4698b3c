package gapless.collector;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.TimerScheduler;
import gapless.collector.CollectorProtocol.Command;
import gapless.collector.CollectorProtocol.IngestResult;
import gapless.collector.CollectorProtocol.Outcome;
import gapless.config.GaplessSettings;
import gapless.replica.ReplicaHost;
import gapless.replica.ReplicaProtocol.StoreRefused;
import gapless.replica.ReplicaProtocol.StoreReply;
import gapless.replica.ReplicaProtocol.WriteKind;
import gapless.replica.ReplicaProtocol;
import gapless.store.DiskSpace;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The batches one {@link Collector} owner is sending until W replicas hold them: each goes to
 * every reachable replica host; W acks answer 200; short of W at the ack timeout it is written to
 * the gateway's disk buffer and answered 202, then sent again from there every retry interval
 * until W hold it, and forgotten on disk. Room in the buffer follows each batch: reserved before it
 * got a seq, given back when it leaves without being on disk. Used from the owner's actor only;
 * disk I/O runs on the store dispatcher and comes back as messages.
 */
final class Flights {

  record AckTimeout(long seq) implements Command, NoSerializationVerificationNeeded {}

  record WrittenToDisk(long seq, int size, Throwable failure) implements Command, NoSerializationVerificationNeeded {}

  record ReadFromDisk(long seq, Optional<byte[]> blob, Throwable failure) implements Command, NoSerializationVerificationNeeded {}

  private static final int MAX_RESENDS_PER_TICK = 200;

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final String collector;
  private final GaplessSettings settings;
  private final GatewayBuffer buffer;
  private final Executor io;
  private final Map<String, ActorRef<ReplicaHost.Command>> hosts;
  private final Function<String, ActorRef<StoreReply>> replies;
  private final TreeMap<Long, Flight> flights = new TreeMap<>();
  /** Replicas that refused a batch lately, until they ack one; forgotten after two retry intervals. */
  private final Map<String, Refusal> refusing = new HashMap<>();

  private record Refusal(String reason, long atNanos) {}

  /**
   * {@code hosts}: the owner's reachable replica hosts by node, read at every send; {@code replies}:
   * where each node's replica answers ({@link ReplyInboxes}).
   */
  Flights(ActorContext<Command> context, TimerScheduler<Command> timers, String collector, GaplessSettings settings,
      GatewayBuffer buffer, Map<String, ActorRef<ReplicaHost.Command>> hosts, Function<String, ActorRef<StoreReply>> replies) {
    this.context = context;
    this.timers = timers;
    this.collector = collector;
    this.settings = settings;
    this.buffer = buffer;
    this.io = context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("gapless-store-dispatcher"));
    this.hosts = hosts;
    this.replies = replies;
  }

  boolean contains(long seq) {
    return flights.containsKey(seq);
  }

  Iterable<Flight> all() {
    return flights.values();
  }

  /** Nothing is only in memory: what is left is on disk, where the redrive finds it after this owner. */
  boolean allOnDisk() {
    return flights.values().stream().allMatch(f -> f.onDisk);
  }

  void launch(Flight f) {
    flights.put(f.seq, f);
    send(f, f.blob);
    timers.startSingleTimer(new AckTimeout(f.seq), settings.ingest().ackTimeout());
  }

  private void send(Flight f, byte[] blob) {
    f.lastSentNanos = System.nanoTime();
    hosts.forEach((node, host) -> {
      if (!f.acked.contains(node)) {
        host.tell(new ReplicaProtocol.StoreBatch(collector, f.seq, f.epoch, blob, WriteKind.OWNER, replies.apply(node)));
      }
    });
  }

  /** A replica's ack: on the W-th, the batch is answered 200 and leaves. */
  void acked(StoreReply ack) {
    refusing.remove(ack.node());
    Flight f = flights.get(ack.seq());
    if (f == null || !f.acked.add(ack.node())) {
      return;
    }
    if (f.acked.size() < settings.writeQuorum()) {
      bufferIfShortForGood(f);
      return;
    }
    flights.remove(f.seq);
    timers.cancel(new AckTimeout(f.seq));
    if (f.onDisk) {
      forget(f.epoch, f.seq);
    } else if (!f.writingToDisk) {
      buffer.release(f.size);
    }
    // A write to disk still running is forgotten when it completes (onWrittenToDisk).
    answer(f, Outcome.STORED, "");
  }

  /** A replica could not store the batch (its disk is full). */
  void refused(StoreRefused r) {
    refusing.put(r.node(), new Refusal(r.reason(), System.nanoTime()));
    Flight f = flights.get(r.seq());
    if (f != null && f.refused.add(r.node())) {
      bufferIfShortForGood(f);
    }
  }

  /**
   * Once every reachable replica has acked or refused the batch and it is still short of W, no
   * ack is coming: onto the gateway's disk now, not at the ack timeout.
   */
  private void bufferIfShortForGood(Flight f) {
    if (!f.refused.isEmpty() && hosts.keySet().stream().allMatch(n -> f.acked.contains(n) || f.refused.contains(n))) {
      onAckTimeout(f.seq);
    }
  }

  /**
   * Why a new batch cannot be kept now, if so: too few reachable replicas can write (they refused
   * lately for want of space) and the gateway's disk is below its reserve too. Checked before a
   * batch gets a seq, so the client hears 503 at once and nothing is kept.
   */
  Optional<String> cannotKeep() {
    long lately = System.nanoTime() - 2 * settings.ingest().retryInterval().toNanos();
    refusing.values().removeIf(r -> r.atNanos() < lately);
    long writable = hosts.keySet().stream().filter(n -> !refusing.containsKey(n)).count();
    if (writable >= settings.writeQuorum() || !buffer.space().low()) {
      return Optional.empty();
    }
    StringBuilder why = new StringBuilder("nothing was kept: ").append(writable).append(" of the ").append(hosts.size())
        .append(" reachable replicas can write, ").append(settings.writeQuorum()).append(" are needed");
    refusing.forEach((node, r) -> why.append("; ").append(node).append(": ").append(r.reason()));
    why.append("; and gateway ").append(settings.nodeId()).append(" cannot buffer it: ")
        .append(buffer.space().describe(buffer.space().usable())).append(". Send the batch again later");
    return Optional.of(why.toString());
  }

  /** Short of W acks in time: onto the gateway's disk, then 202. */
  void onAckTimeout(long seq) {
    Flight f = flights.get(seq);
    if (f == null || f.onDisk || f.writingToDisk) {
      return;
    }
    f.writingToDisk = true;
    byte[] blob = f.blob;
    context.pipeToSelf(CompletableFuture.runAsync(() -> buffer.put(collector, f.epoch, seq, blob), io),
        (ok, failure) -> new WrittenToDisk(seq, f.size, failure));
  }

  void onWrittenToDisk(WrittenToDisk w, long epoch) {
    Flight f = flights.get(w.seq());
    if (f == null) {
      // W replicas acked while it was being written: forget it there, or give back its room.
      if (w.failure() == null) {
        forget(epoch, w.seq());
      } else {
        buffer.release(w.size());
      }
      return;
    }
    f.writingToDisk = false;
    if (w.failure() != null) {
      if (DiskSpace.isDiskFull(w.failure())) {
        context.getLog().warn("Batch [{}] of [{}] not written to the gateway buffer: {}", w.seq(), collector,
            DiskSpace.reasonOf(w.failure()));
      } else {
        context.getLog().error("Writing batch [{}] of [{}] to the gateway buffer failed", w.seq(), collector, w.failure());
      }
      // It may still reach W replicas (it is still sent): whether it is kept is not known yet.
      f.diskFailed = true;
      answer(f, Outcome.UNKNOWN, "the gateway could not write the batch to its disk: " + DiskSpace.reasonOf(w.failure()));
      return;
    }
    f.onDisk = true;
    f.blob = null;
    answer(f, Outcome.BUFFERED, "");
  }

  /** Sends again what is still short of W acks a retry interval after it was last sent; blobs on disk are read back first. */
  void resendOverdue() {
    long due = System.nanoTime() - settings.ingest().retryInterval().toNanos();
    int resent = 0;
    for (Flight f : flights.values()) {
      if (resent >= MAX_RESENDS_PER_TICK) {
        return;
      }
      if (f.lastSentNanos > due || f.writingToDisk || hosts.keySet().stream().allMatch(f.acked::contains)) {
        continue;
      }
      resent++;
      f.lastSentNanos = System.nanoTime();
      if (f.blob != null) {
        send(f, f.blob);
      } else {
        long seq = f.seq;
        context.pipeToSelf(CompletableFuture.supplyAsync(() -> buffer.read(collector, f.epoch, seq), io),
            (blob, failure) -> new ReadFromDisk(seq, blob, failure));
      }
    }
  }

  void onReadFromDisk(ReadFromDisk r) {
    Flight f = flights.get(r.seq());
    if (f == null) {
      return;
    }
    if (r.failure() != null || r.blob().isEmpty()) {
      context.getLog().error("Batch [{}] of [{}] is not readable in the gateway buffer", r.seq(), collector, r.failure());
      return;
    }
    send(f, r.blob().get());
  }

  /** A replica host came (back): everything it has not acked goes at the next tick. */
  void resendAllSoon() {
    flights.values().forEach(f -> f.lastSentNanos = 0);
  }

  /** Answers whoever still waits, with {@code outcome}; the batch itself goes on. */
  void answer(Flight f, Outcome outcome, String error) {
    IngestResult result = result(f, outcome, error);
    f.waiting.forEach(w -> w.tell(result));
    f.waiting.clear();
  }

  private IngestResult result(Flight f, Outcome outcome, String error) {
    return new IngestResult(collector, f.seq, f.acked.size(), f.copies(), outcome, error);
  }

  /**
   * A request for the batch that has {@code seq} here (sent again with its Idempotency-Key, or
   * resubmitted again): answered as that batch stands, or when it is decided.
   */
  void join(long seq, ActorRef<IngestResult> replyTo) {
    if (replyTo == null) {
      return;
    }
    Flight f = flights.get(seq);
    if (f == null) {
      // A batch leaves the flights only once W replicas hold it.
      int w = settings.writeQuorum();
      replyTo.tell(new IngestResult(collector, seq, w, w, Outcome.STORED, ""));
    } else if (f.onDisk) {
      replyTo.tell(result(f, Outcome.BUFFERED, ""));
    } else if (f.diskFailed) {
      replyTo.tell(result(f, Outcome.UNKNOWN,
          "the batch is still short of " + settings.writeQuorum() + " replicas and not on the gateway's disk"));
    } else {
      f.waiting.add(replyTo);
    }
  }

  /**
   * The owner stops: batches only in memory are gone with it and their room goes back. (One being
   * written to disk keeps it: it is on disk when the write ends.)
   */
  void releaseInMemory() {
    flights.values().stream().filter(f -> !f.onDisk && !f.writingToDisk).forEach(f -> buffer.release(f.size));
  }

  private void forget(long epoch, long seq) {
    CompletableFuture.runAsync(() -> buffer.delete(collector, epoch, seq), io);
  }

  static void reply(ActorRef<IngestResult> replyTo, IngestResult result) {
    if (replyTo != null) {
      replyTo.tell(result);
    }
  }
}
