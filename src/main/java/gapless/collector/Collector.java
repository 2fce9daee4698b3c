package gapless.collector;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.StashBuffer;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import gapless.collector.CollectorProtocol.Command;
import gapless.collector.CollectorProtocol.IngestResult;
import gapless.collector.CollectorProtocol.Outcome;
import gapless.collector.CollectorProtocol.Passivate;
import gapless.collector.CollectorProtocol.Request;
import gapless.collector.CollectorProtocol.Resubmit;
import gapless.collector.CollectorProtocol.Submit;
import gapless.config.GaplessSettings;
import gapless.events.ClusterEvent;
import gapless.events.ClusterEvents;
import gapless.events.EventLog;
import gapless.replica.Placement;
import gapless.replica.ReplicaHost;
import gapless.replica.ReplicaProtocol.EpochClaimed;
import gapless.replica.ReplicaProtocol.KeyHolding;
import gapless.replica.ReplicaProtocol.StoreFenced;
import gapless.replica.ReplicaProtocol.StoreRefused;
import gapless.replica.ReplicaProtocol.StoreReply;
import gapless.replica.ReplicaProtocol;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The owner of one collector: a sharded entity on the gateway role, so any gateway's requests for
 * the collector reach this one actor, wherever it runs. It keeps nothing on disk of its own: the
 * seqs' authority is the replicas.
 *
 * <p>Starting ({@link #claiming}): it claims a new owner epoch from a read quorum of the
 * collector's replicas ({@link EpochClaim}), continues above the highest seq they hold, and fills
 * the seqs below that none of them holds with empty batches. Requests wait (stashed) meanwhile.
 *
 * <p>Owning ({@link #owning}): each batch enters through {@link Intake} (a request sent again
 * with its {@code Idempotency-Key} joins the first one), gets the next seq ({@link Admission}) and
 * goes to every reachable replica under the owner's epoch; W acks answer 200. A batch still short of W after the ack timeout is
 * written to the gateway's disk buffer ({@link GatewayBuffer}) and answered 202; it is sent again
 * until W hold it, then leaves the buffer. Room in the buffer is reserved before a seq is given,
 * so a full buffer answers 503 and keeps nothing.
 *
 * <p>A replica that answers {@code StoreFenced} has promised a newer owner: this one stops
 * ({@link #fenced}); what it buffered stays on disk and {@link BufferRedrive} hands it to the new owner.
 */
public final class Collector {

  private record HostsChanged(Receptionist.Listing listing) implements Command, NoSerializationVerificationNeeded {}

  private record Claimed(EpochClaimed answer) implements Command, NoSerializationVerificationNeeded {}

  private record ClaimTimeout(long epoch) implements Command, NoSerializationVerificationNeeded {}

  private record Replied(StoreReply reply) implements Command, NoSerializationVerificationNeeded {}

  private enum Tick implements Command, NoSerializationVerificationNeeded {
    CLAIM_AGAIN,
    RESEND
  }

  // Requests wait only while a claim runs (milliseconds; at most ingest.claim-timeout); each may hold a batch.
  private static final int STASH = 1_000;

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final StashBuffer<Command> stash;
  private final String collector;
  private final GaplessSettings settings;
  private final GatewayBuffer buffer;
  private final ActorRef<EventLog.Command> eventLog;
  private final ActorRef<BufferRedrive.Command> redrive;
  private final List<String> replicaSet;
  private final ReplyInboxes replies;
  private final Map<String, ActorRef<ReplicaHost.Command>> hosts = new HashMap<>();
  private final Set<String> listed = new HashSet<>();
  // This instance's name in its claims: a replica grants an equal epoch again only to the same
  // claimant (a retried claim), never to a later owner on the same gateway.
  private final String claimant;
  private String lastClaimFailure;

  // While owning.
  private Admission admission;
  private Intake intake;
  private final Flights flights;
  private final KeyLookups lookups;
  private boolean passivating;

  public static Behavior<Command> create(String collector, GaplessSettings settings, GatewayBuffer buffer,
      ActorRef<EventLog.Command> eventLog, ActorRef<BufferRedrive.Command> redrive) {
    return Behaviors.setup(ctx -> {
      // Named here: else the logger's first use looks for this class on the call stack, once per owner.
      ctx.setLoggerName(Collector.class);
      return Behaviors.withTimers(timers -> Behaviors.withStash(STASH, stash ->
          new Collector(ctx, timers, stash, collector, settings, buffer, eventLog, redrive).claiming(null)));
    });
  }

  private Collector(ActorContext<Command> context, TimerScheduler<Command> timers, StashBuffer<Command> stash,
      String collector, GaplessSettings settings, GatewayBuffer buffer, ActorRef<EventLog.Command> eventLog,
      ActorRef<BufferRedrive.Command> redrive) {
    this.context = context;
    this.timers = timers;
    this.stash = stash;
    this.collector = collector;
    this.settings = settings;
    this.buffer = buffer;
    this.eventLog = eventLog;
    this.redrive = redrive;
    this.replicaSet = Placement.of(settings).replicaSet(collector);
    this.claimant = settings.nodeId() + "/" + UUID.randomUUID();
    this.replies = new ReplyInboxes(context, answer -> answer instanceof StoreReply r ? new Replied(r)
        : answer instanceof EpochClaimed c ? new Claimed(c) : new KeyLookups.Answered((KeyHolding) answer));
    this.flights = new Flights(context, timers, collector, settings, buffer, hosts, replies::stores);
    this.lookups = new KeyLookups(collector, timers, settings.ingest().claimTimeout(),
        settings.readQuorum(), hosts, replies::keys);
    ReplicaHost.subscribe(context.getSystem(), replicaSet,
        context.messageAdapter(Receptionist.Listing.class, HostsChanged::new));
  }

  // ---- claiming

  /** Waiting for the replicas' promises of a new epoch; {@code round} is null between rounds. */
  private Behavior<Command> claiming(EpochClaim round) {
    return Behaviors.receive(Command.class)
        .onMessage(HostsChanged.class, m -> {
          hostsChanged(m.listing());
          return round == null ? claimIfReady(1) : Behaviors.same();
        })
        .onMessage(Claimed.class, m -> {
          if (round == null) {
            return Behaviors.same();
          }
          round.answer(m.answer());
          return decide(round, false);
        })
        .onMessage(ClaimTimeout.class, m -> round != null && m.epoch() == round.epoch() ? decide(round, true) : Behaviors.same())
        .onMessageEquals(Tick.CLAIM_AGAIN, () -> round == null ? claimIfReady(1) : Behaviors.same())
        .onMessage(Submit.class, this::stashWhileClaiming)
        .onMessage(Resubmit.class, this::stashWhileClaiming)
        // Requests waiting for the claim are answered first; the stop follows once they are.
        .onMessageEquals(Passivate.INSTANCE, () -> {
          passivating = true;
          return stash.isEmpty() ? Behaviors.stopped() : Behaviors.same();
        })
        .onMessage(Command.class, m -> Behaviors.same())
        .build();
  }

  private Behavior<Command> stashWhileClaiming(Request r) {
    if (stash.isFull()) {
      reply(r.replyTo(), IngestResult.refused(collector, Outcome.REJECTED, "collector " + collector
          + " is starting at this gateway and has too many requests waiting; send the batch again"));
    } else {
      stash.stash(r);
    }
    return Behaviors.same();
  }

  /** Starts a round once the receptionist has answered for every replica node. */
  private Behavior<Command> claimIfReady(long candidate) {
    if (listed.size() < replicaSet.size()) {
      return claiming(null);
    }
    int readQuorum = settings.readQuorum();
    if (hosts.size() < readQuorum) {
      return short_(candidate, hosts.size() + " of the " + replicaSet.size() + " replicas are reachable, " + readQuorum
          + " are needed to take seqs safely");
    }
    EpochClaim round = new EpochClaim(candidate, hosts.keySet(), readQuorum);
    hosts.forEach((node, h) -> h.tell(new ReplicaProtocol.ClaimEpoch(collector, candidate, claimant, replies.claims(node))));
    timers.startSingleTimer(new ClaimTimeout(candidate), settings.ingest().claimTimeout());
    return claiming(round);
  }

  private Behavior<Command> decide(EpochClaim round, boolean timedOut) {
    return switch (round.decide(timedOut)) {
      case WAITING -> Behaviors.same();
      case OUTBID -> claimIfReady(round.nextEpoch());
      case SHORT -> short_(round.epoch(), round.granted() + " replicas promised epoch " + round.epoch() + " in time, "
          + settings.readQuorum() + " are needed");
      case GRANTED -> own(round);
    };
  }

  /** Too few replicas: requests waiting are refused (nothing kept), and the claim is tried again later. */
  private Behavior<Command> short_(long candidate, String reason) {
    // Retried every retry interval while replicas are away: reported once per reason, not per try.
    if (!reason.equals(lastClaimFailure)) {
      lastClaimFailure = reason;
      emit(ClusterEvents.ownerClaimFailed(settings.nodeId(), collector, candidate, reason));
      context.getLog().warn("Collector [{}] cannot start here: {}", collector, reason);
    }
    refuseWaiting("cannot take batches now: " + reason + "; nothing was kept");
    if (passivating) {
      return Behaviors.stopped();
    }
    timers.startSingleTimer(Tick.CLAIM_AGAIN, settings.ingest().retryInterval());
    return claiming(null);
  }

  private Behavior<Command> own(EpochClaim round) {
    timers.cancel(new ClaimTimeout(round.epoch()));
    admission = new Admission(collector, settings, buffer, flights, round.epoch(), round.firstSeq(), round.epochs());
    intake = new Intake(collector, settings, admission, flights, lookups, round.newestAcceptedAt());
    long holes = round.holes().count();
    emit(ClusterEvents.ownerClaimed(settings.nodeId(), collector, round.epoch(), round.firstSeq(), holes,
        String.join(",", round.grantedBy())));
    // Debug: the OWNER_CLAIMED event above says the same, and thousands of collectors start at once.
    context.getLog().debug("Owning [{}] under epoch [{}] from seq [{}] ({} empty batches fill seqs nobody holds)",
        collector, round.epoch(), round.firstSeq(), holes);
    redrive.tell(new BufferRedrive.Owning(collector, round.epoch(), context.getSelf()));
    admission.fillHoles(round.holes());
    timers.startTimerWithFixedDelay(Tick.RESEND, settings.ingest().retryInterval());
    if (passivating) {
      // Asked to stop while claiming: after the waiting requests, as soon as none is only in memory.
      context.getSelf().tell(Passivate.INSTANCE);
    }
    return stash.unstashAll(owning());
  }

  // ---- owning

  private Behavior<Command> owning() {
    return Behaviors.receive(Command.class)
        .onMessage(Request.class, m -> {
          intake.onRequest(m);
          return Behaviors.same();
        })
        .onMessage(KeyLookups.Answered.class, m -> decided(lookups.answered(m.holding())))
        .onMessage(KeyLookups.TimedOut.class, m -> decided(lookups.timedOut(m.key())))
        .onMessage(Replied.class, m -> onReply(m.reply()))
        .onMessage(Flights.AckTimeout.class, m -> {
          flights.onAckTimeout(m.seq());
          return Behaviors.same();
        })
        .onMessage(Flights.WrittenToDisk.class, m -> {
          flights.onWrittenToDisk(m, admission.epoch());
          return stopIfPassivated();
        })
        .onMessage(Flights.ReadFromDisk.class, m -> {
          flights.onReadFromDisk(m);
          return Behaviors.same();
        })
        .onMessage(HostsChanged.class, m -> {
          hostsChanged(m.listing());
          return Behaviors.same();
        })
        .onMessageEquals(Tick.RESEND, () -> {
          flights.resendOverdue();
          return Behaviors.same();
        })
        // Idle passivation. The shard holds new requests until this stops, so it stops as soon as
        // no batch is only in memory; those on disk go to the next owner through the redrive.
        .onMessageEquals(Passivate.INSTANCE, () -> {
          passivating = true;
          return stopIfPassivated();
        })
        .onMessage(Command.class, m -> Behaviors.same())
        .onSignal(PostStop.class, s -> {
          flights.releaseInMemory();
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> stopIfPassivated() {
    if (passivating && flights.allOnDisk() && lookups.isEmpty()) {
      return Behaviors.stopped();
    }
    return Behaviors.same();
  }

  private Behavior<Command> decided(Optional<KeyLookups.Decided> decided) {
    decided.ifPresent(intake::decided);
    return stopIfPassivated();
  }

  private Behavior<Command> onReply(StoreReply reply) {
    if (reply instanceof StoreFenced fenced) {
      return flights.contains(fenced.seq()) && fenced.epoch() == admission.epoch() ? fenced(fenced) : Behaviors.same();
    }
    if (reply instanceof StoreRefused refused) {
      flights.refused(refused);
      return Behaviors.same();
    }
    flights.acked(reply);
    return stopIfPassivated();
  }

  // ---- fenced

  /**
   * A newer owner took over. Batches on disk stay there: the redrive hands them to the new owner.
   * Those whose clients still wait are not known to be kept (the new owner keeps their seqs only if
   * a replica it asked holds them), so their answer is "unknown".
   */
  private Behavior<Command> fenced(StoreFenced f) {
    emit(ClusterEvents.ownerFenced(settings.nodeId(), collector, admission.epoch(), f.node(),
        "replica promised epoch " + f.promisedEpoch() + "; this owner stops"));
    context.getLog().warn("Collector [{}]: epoch [{}] fenced by [{}] (promised [{}]); stopping", collector, admission.epoch(), f.node(),
        f.promisedEpoch());
    for (Flight flight : flights.all()) {
      flights.answer(flight, Outcome.UNKNOWN, "collector " + collector + " moved to a newer owner while this batch was being stored");
    }
    lookups.drain().forEach(r -> reply(r.replyTo(), IngestResult.refused(collector, Outcome.REJECTED, "collector "
        + collector + " moved to another owner; send the batch again")));
    refuseWaiting("moved to another owner");
    return Behaviors.stopped();
  }

  /** Answers every stashed request: not kept, {@code why}. */
  private void refuseWaiting(String why) {
    stash.unstashAll(Behaviors.receive(Command.class).onMessage(Request.class, r -> {
      reply(r.replyTo(), IngestResult.refused(collector, Outcome.REJECTED, "collector " + collector + " " + why
          + "; send the batch again"));
      return Behaviors.same();
    }).build());
  }

  // ---- shared

  private void hostsChanged(Receptionist.Listing listing) {
    String node = ReplicaHost.nodeOf(listing);
    listed.add(node);
    ReplicaHost.reachableHost(listing).ifPresentOrElse(host -> {
      if (!host.equals(hosts.put(node, host))) {
        flights.resendAllSoon();
      }
    }, () -> hosts.remove(node));
  }

  private void reply(ActorRef<IngestResult> replyTo, IngestResult result) {
    Flights.reply(replyTo, result);
  }

  private void emit(ClusterEvent event) {
    eventLog.tell(new EventLog.Emit(event));
  }
}
