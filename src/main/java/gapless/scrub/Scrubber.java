package gapless.scrub;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import gapless.config.GaplessSettings;
import gapless.events.ClusterEvents;
import gapless.events.EventLog;
import gapless.model.BatchCodec;
import gapless.model.EncodedBatch;
import gapless.model.SeqRanges;
import gapless.replica.ReplicaHost;
import gapless.replica.ReplicaProtocol.BatchChunk;
import gapless.replica.ReplicaProtocol.DigestRange;
import gapless.replica.ReplicaProtocol.FetchBatches;
import gapless.replica.ReplicaProtocol.GetView;
import gapless.replica.ReplicaProtocol.RangeDigest;
import gapless.replica.ReplicaProtocol.RepairBatch;
import gapless.replica.ReplicaProtocol.RepairResult;
import gapless.replica.ReplicaView;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Scrubs this storage node's replicas in the background: every {@code scrub.interval} it takes
 * windows of the collectors' histories (round robin over the collectors, each walked from seq 1 up
 * to what every replica of its set holds, then on as new batches come, and from 1 again once
 * {@code scrub.pass-every} has gone by), within a read budget, and asks every replica of the set
 * for the window's range digest, read from its store. Equal digests end the window. Otherwise it
 * asks again seq by seq, and {@link ScrubVerdict} says which of this node's own copies are
 * missing, damaged or outvoted: it reports them ({@code REPLICA_DIVERGED}), fetches each good copy
 * from a sibling that holds it, checks it, has the local replica write it, and reports what was
 * repaired ({@code REPLICA_REPAIRED}). Each node repairs only its own copies, so two nodes never
 * write over each other. One window at a time, one phase per behavior; a reply that is not the
 * current phase's is dropped.
 */
public final class Scrubber {

  /** Local only: timers and adapters. */
  public sealed interface Command extends NoSerializationVerificationNeeded {}

  private enum Tick implements Command { INSTANCE }

  private record TimedOut(int round) implements Command {}

  private record Listed(Receptionist.Listing listing) implements Command {}

  private record Collectors(ReplicaHost.CollectorList list) implements Command {}

  private record Viewed(ReplicaView view) implements Command {}

  private record Digested(RangeDigest digest) implements Command {}

  private record Fetched(BatchChunk chunk) implements Command {}

  private record Repaired(RepairResult result) implements Command {}

  /** One window being scrubbed: {@code [from, to]} of {@code collector}, and the round its replies belong to. */
  private record Window(String collector, long from, long to, int round) {}

  private static final String TIMEOUT = "timeout";

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final GaplessSettings.ScrubSettings settings;
  private final String node;
  private final long fetchBytes;
  private final ActorRef<ReplicaHost.Command> host;
  private final ActorRef<EventLog.Command> eventLog;
  private final Map<String, ActorRef<ReplicaHost.Command>> siblingHosts = new HashMap<>();
  private final Map<String, Long> nextSeq = new HashMap<>();
  private final Map<String, Long> passStarted = new HashMap<>();
  private final Deque<String> toVisit = new ArrayDeque<>();
  private final ActorRef<RangeDigest> digestAdapter;
  private int round;
  // This interval's read budget left, and the collectors visited in a row with nothing to scrub.
  private long budget;
  private int idleVisits;

  public static Behavior<Command> create(GaplessSettings settings, ActorRef<ReplicaHost.Command> host,
      ActorRef<EventLog.Command> eventLog) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Scrubber(ctx, timers, settings, host, eventLog).idle()));
  }

  private Scrubber(ActorContext<Command> context, TimerScheduler<Command> timers, GaplessSettings settings,
      ActorRef<ReplicaHost.Command> host, ActorRef<EventLog.Command> eventLog) {
    this.context = context;
    this.timers = timers;
    this.settings = settings.scrub();
    this.node = settings.nodeId();
    this.fetchBytes = settings.recovery().chunkBytes();
    this.host = host;
    this.eventLog = eventLog;
    this.digestAdapter = context.messageAdapter(RangeDigest.class, Digested::new);
    List<String> others = new ArrayList<>(settings.storageNodes());
    others.remove(node);
    ReplicaHost.subscribe(context.getSystem(), others, context.messageAdapter(Receptionist.Listing.class, Listed::new));
    timers.startTimerWithFixedDelay(Tick.INSTANCE, this.settings.interval());
  }

  /** Between intervals: the next tick gives the read budget and starts a window. */
  private Behavior<Command> idle() {
    timers.cancel(TIMEOUT);
    return Behaviors.receive(Command.class)
        .onMessage(Tick.class, t -> {
          budget = settings.bytesPerInterval();
          idleVisits = 0;
          return nextWindow();
        })
        .onMessage(Listed.class, this::onListed)
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  /** The next collector's window while budget is left, and until every collector was visited with nothing to scrub. */
  private Behavior<Command> nextWindow() {
    if (budget <= 0) {
      return idle();
    }
    if (toVisit.isEmpty()) {
      host.tell(new ReplicaHost.ListCollectors(context.messageAdapter(ReplicaHost.CollectorList.class, Collectors::new)));
      return waiting(Collectors.class, c -> {
        toVisit.addAll(c.list().collectors());
        return toVisit.isEmpty() || idleVisits >= toVisit.size() ? idle() : viewNext();
      });
    }
    return viewNext();
  }

  /** Asks the local replica of the next collector how far every replica of its set is known to hold. */
  private Behavior<Command> viewNext() {
    String collector = toVisit.poll();
    host.tell(new GetView(collector, context.messageAdapter(ReplicaView.class, Viewed::new)));
    return waiting(Viewed.class, v -> digest(v.view()));
  }

  /** A window ended: what was read comes off the budget, and the next one starts. */
  private Behavior<Command> windowDone(Window w, RangeDigest own, boolean advance) {
    if (advance) {
      nextSeq.put(w.collector(), w.to() + 1);
    }
    budget -= own.bytes();
    idleVisits = 0;
    return nextWindow();
  }

  /**
   * The window is what no replica of the set still writes: up to the lowest contiguous seq of any,
   * as each sibling last reported it or, right after a restart, as this replica confirmed with it.
   */
  private Behavior<Command> digest(ReplicaView view) {
    String collector = view.collector();
    long bound = view.contiguousSeq();
    for (String sibling : view.replicaSet()) {
      if (!sibling.equals(node)) {
        bound = Math.min(bound, Math.max(view.peers().getOrDefault(sibling, 0L), view.confirmed().getOrDefault(sibling, 0L)));
      }
    }
    long now = System.currentTimeMillis();
    long from = nextSeq.getOrDefault(collector, 1L);
    passStarted.putIfAbsent(collector, now);
    if (from > bound) {
      // Caught up: new batches are scrubbed as every replica comes to hold them; the whole history
      // again once scrub.pass-every has gone by since this pass began.
      if (now - passStarted.get(collector) >= settings.passEvery().toMillis()) {
        nextSeq.remove(collector);
        passStarted.remove(collector);
      }
      idleVisits++;
      return nextWindow();
    }
    Window w = new Window(collector, from, Math.min(bound, from + settings.windowSeqs() - 1), ++round);
    Set<String> asked = ask(w, view.replicaSet(), false);
    return collecting(w, asked, new HashMap<>(), answers -> compareDigests(w, view, answers));
  }

  /** Equal digests end the window; otherwise every replica is asked for its states seq by seq. */
  private Behavior<Command> compareDigests(Window w, ReplicaView view, Map<String, RangeDigest> answers) {
    RangeDigest own = answers.get(node);
    if (own == null || own.failure() != null || answers.size() < 2) {
      // Nothing to compare with (siblings away) or the local read failed (logged): tried on a later pass.
      return idle();
    }
    boolean agree = answers.values().stream().allMatch(d -> d.failure() == null && d.digest() == own.digest());
    if (agree) {
      return windowDone(w, own, true);
    }
    Window again = new Window(w.collector(), w.from(), w.to(), ++round);
    Set<String> asked = ask(again, view.replicaSet(), true);
    return collecting(again, asked, new HashMap<>(), states -> judge(again, view.replicaSet().size(), states));
  }

  private Behavior<Command> judge(Window w, int replicaSet, Map<String, RangeDigest> answers) {
    RangeDigest own = answers.remove(node);
    answers.values().removeIf(d -> d.failure() != null);
    if (own == null || own.failure() != null || answers.isEmpty()) {
      return idle();
    }
    ScrubVerdict verdict = ScrubVerdict.of(own, answers.values(), replicaSet);
    if (verdict.clean()) {
      // The difference is a sibling's: its own scrub repairs it.
      return windowDone(w, own, true);
    }
    String peers = String.join(",", answers.keySet());
    context.getLog().warn("Replica of [{}] diverges from its siblings at [{}]: {}", w.collector(), verdict.divergent(),
        verdict.detail());
    eventLog.tell(new EventLog.Emit(ClusterEvents.replicaDiverged(node, w.collector(), verdict.divergent(), peers,
        verdict.detail())));
    return new Repairing(w, own, new ArrayDeque<>(verdict.repairs()), verdict.unrepairable()).next();
  }

  /** Sends the window's digest request to the local replica and every reachable sibling of the set; returns who was asked. */
  private Set<String> ask(Window w, List<String> replicaSet, boolean perSeq) {
    Set<String> asked = new LinkedHashSet<>();
    for (String replica : replicaSet) {
      ActorRef<ReplicaHost.Command> to = replica.equals(node) ? host : siblingHosts.get(replica);
      if (to != null) {
        to.tell(new DigestRange(w.collector(), w.from(), w.to(), perSeq, digestAdapter));
        asked.add(replica);
      }
    }
    timers.startSingleTimer(TIMEOUT, new TimedOut(w.round()), settings.askTimeout());
    return asked;
  }

  /** Gathers the window's digests until everyone asked answered or the ask timed out. */
  private Behavior<Command> collecting(Window w, Set<String> asked, Map<String, RangeDigest> answers,
      Function<Map<String, RangeDigest>, Behavior<Command>> then) {
    return Behaviors.receive(Command.class)
        .onMessage(Digested.class, d -> {
          RangeDigest r = d.digest();
          if (!asked.contains(r.node()) || !r.collector().equals(w.collector()) || r.fromSeq() != w.from() || r.toSeq() != w.to()) {
            return Behaviors.same();
          }
          answers.put(r.node(), r);
          if (answers.keySet().containsAll(asked)) {
            timers.cancel(TIMEOUT);
            return then.apply(answers);
          }
          return Behaviors.same();
        })
        .onMessage(TimedOut.class, t -> t.round() == w.round() ? then.apply(answers) : Behaviors.same())
        .onMessage(Listed.class, this::onListed)
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  /** Waits for one reply of {@code type}; a timeout gives the window up until a later tick. */
  private <T extends Command> Behavior<Command> waiting(Class<T> type, Function<T, Behavior<Command>> then) {
    return waiting(type, then, this::idle);
  }

  private <T extends Command> Behavior<Command> waiting(Class<T> type, Function<T, Behavior<Command>> then,
      Supplier<Behavior<Command>> timedOut) {
    int waitingRound = ++round;
    timers.startSingleTimer(TIMEOUT, new TimedOut(waitingRound), settings.askTimeout());
    return Behaviors.receive(Command.class)
        .onMessage(type, m -> {
          timers.cancel(TIMEOUT);
          return then.apply(m);
        })
        .onMessage(TimedOut.class, t -> t.round() == waitingRound ? timedOut.get() : Behaviors.same())
        .onMessage(Listed.class, this::onListed)
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private Behavior<Command> onListed(Listed l) {
    String sibling = ReplicaHost.nodeOf(l.listing());
    ReplicaHost.reachableHost(l.listing()).ifPresentOrElse(h -> siblingHosts.put(sibling, h), () -> siblingHosts.remove(sibling));
    return Behaviors.same();
  }

  /** The repairs of one window, one seq at a time: fetch a good copy from a source, check it, have the replica write it. */
  private final class Repairing {
    private final Window window;
    private final RangeDigest own;
    private final Deque<ScrubVerdict.Repair> queue;
    private final SeqRanges unrepairable;
    private SeqRanges repaired = SeqRanges.EMPTY;
    // Not the unrepairable ones: those are reported once a pass, not every visit.
    private SeqRanges failed = SeqRanges.EMPTY;
    private final Set<String> sources = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();
    private long bytes;

    Repairing(Window window, RangeDigest own, Deque<ScrubVerdict.Repair> queue, SeqRanges unrepairable) {
      this.window = window;
      this.own = own;
      this.queue = queue;
      this.unrepairable = unrepairable;
    }

    Behavior<Command> next() {
      ScrubVerdict.Repair r = queue.peek();
      if (r == null) {
        return finished();
      }
      return fetch(r, new ArrayDeque<>(r.sources()));
    }

    private Behavior<Command> fetch(ScrubVerdict.Repair r, Deque<String> candidates) {
      String source = candidates.poll();
      if (source == null) {
        return failed(r, "no sibling gave a good copy");
      }
      ActorRef<ReplicaHost.Command> to = siblingHosts.get(source);
      if (to == null) {
        return fetch(r, candidates);
      }
      to.tell(new FetchBatches(window.collector(), r.seq(), r.seq(), fetchBytes,
          context.messageAdapter(BatchChunk.class, Fetched::new)));
      // A source that does not answer in time is passed over for the next.
      return waiting(Fetched.class, f -> {
        byte[] copy = f.chunk().batches().stream().filter(b -> b.seq() == r.seq()).map(EncodedBatch::blob).findFirst().orElse(null);
        if (copy == null || !BatchCodec.intact(copy) || BatchCodec.checksum(copy) != r.checksum()) {
          return fetch(r, candidates);
        }
        host.tell(new RepairBatch(window.collector(), r.seq(), r.seen(), copy,
            context.messageAdapter(RepairResult.class, Repaired::new)));
        return waiting(Repaired.class, done -> {
          if (done.result().failure() != null) {
            return failed(r, done.result().failure());
          }
          queue.poll();
          repaired = repaired.add(r.seq());
          sources.add(source);
          bytes += copy.length;
          return next();
        }, () -> failed(r, "the local replica did not answer in time"));
      }, () -> fetch(r, candidates));
    }

    private Behavior<Command> failed(ScrubVerdict.Repair r, String why) {
      queue.poll();
      problems.add("seq " + r.seq() + ": " + why);
      failed = failed.add(r.seq());
      return next();
    }

    private Behavior<Command> finished() {
      String detail = String.join("; ", problems);
      if (!unrepairable.isEmpty()) {
        detail = (detail.isEmpty() ? "" : detail + "; ") + "no intact copy of " + unrepairable + " on any sibling";
      }
      if (!repaired.isEmpty()) {
        context.getLog().info("Repaired [{}] of [{}] from [{}]", repaired, window.collector(), sources);
        eventLog.tell(new EventLog.Emit(ClusterEvents.replicaRepaired(node, window.collector(), repaired, bytes,
            String.join(",", sources), detail)));
      }
      if (!failed.isEmpty()) {
        context.getLog().warn("Could not repair [{}] of [{}] yet: {}", failed, window.collector(), detail);
      }
      return windowDone(window, own, failed.isEmpty());
    }
  }
}
