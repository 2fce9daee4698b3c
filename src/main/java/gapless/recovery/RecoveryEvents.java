package gapless.recovery;

import akka.actor.typed.ActorRef;
import gapless.events.ClusterEvent;
import gapless.events.ClusterEvents;
import gapless.events.EventLog;
import gapless.model.SeqRange;
import gapless.recovery.RecoveryPhase.Fetching;
import gapless.recovery.RecoveryPhase.Finishing;
import gapless.replica.RecoveryRequest;
import gapless.replica.ReplicaProtocol;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one {@link Recovery} reports to the cluster event log, step by step: the recovery decides,
 * this says it. Used from the recovery's actor only.
 */
final class RecoveryEvents {

  private static final Logger LOG = LoggerFactory.getLogger(RecoveryEvents.class);
  /** GAP_DETECTED events listed one by one; beyond them, one event gives the count. */
  private static final int MAX_GAP_EVENTS = 20;

  private final String node;
  private final String collector;
  private final ActorRef<EventLog.Command> eventLog;

  RecoveryEvents(String node, String collector, ActorRef<EventLog.Command> eventLog) {
    this.node = node;
    this.collector = collector;
    this.eventLog = eventLog;
  }

  void started(RecoveryRequest.Recover request, ReplicaProtocol.RecoveryInfo info) {
    emit(ClusterEvents.recoveryStarted(node, collector, request.trigger(), request.detail(),
        info.held().contiguous(), info.held().highest(), info.serverStop() == null ? null : info.serverStop().reason()));
  }

  void planned(RecoveryPlan plan) {
    List<SeqRange> lacking = plan.missing().minus(plan.stale()).ranges();
    List<SeqRange> stale = plan.stale().ranges();
    int listed = 0;
    for (SeqRange r : lacking) {
      if (listed++ < MAX_GAP_EVENTS) {
        emit(ClusterEvents.gapDetected(node, collector, r, plan.holders(r)));
      }
    }
    for (SeqRange r : stale) {
      if (listed++ < MAX_GAP_EVENTS) {
        emit(ClusterEvents.staleDetected(node, collector, r, plan.holders(r)));
      }
    }
    if (lacking.size() + stale.size() > MAX_GAP_EVENTS) {
      emit(ClusterEvents.gapsDetected(node, collector, plan.missing(), MAX_GAP_EVENTS));
    }
  }

  void progress(Fetching fetch) {
    RecoveryProgress p = fetch.progress();
    emit(ClusterEvents.syncProgress(node, collector, p.sources(), p.batches(), p.samples(), p.bytes(),
        fetch.plan().pending().size() + fetch.busy()));
  }

  /** {@code source} failed for {@code rest}; {@code others} hold it (none: it is lost for now). */
  void sourceFailed(String source, SeqRange rest, RecoveryProgress p, String why, List<String> others) {
    emit(ClusterEvents.syncSourceFailed(node, collector, source, rest, p.batches(), p.bytes(),
        why + (others.isEmpty() ? "; no other sibling holds them" : "; continuing from " + String.join(",", others))));
  }

  /** How it ended; {@code recorded}: the replica recorded what was filled. */
  /** A batch (from {@code seq}) that {@code source} sent damaged or could not read: not stored. */
  void corrupt(long seq, String source, String detail) {
    LOG.error("Recovery of [{}]: seq [{}] from [{}]: {}", collector, seq, source, detail);
    emit(ClusterEvents.batchCorrupt(node, collector, seq, source, detail));
  }

  void ended(Finishing finish, boolean recorded, long millis) {
    RecoveryProgress p = finish.progress();
    if (recorded && p.batches() > 0) {
      emit(ClusterEvents.gapRecovered(node, collector, p.filled(), p.batches(), p.samples(), p.bytes(), millis, p.sources()));
    }
    if (finish.complete()) {
      emit(ClusterEvents.recoveryCompleted(node, collector, p.batches(), p.samples(), p.bytes(), millis, p.dropped()));
    } else {
      emit(ClusterEvents.recoveryFailed(node, collector, finish.failure(), p.batches(), p.bytes(), millis,
          finish.unrecoverable(), p.dropped()));
    }
  }

  private void emit(ClusterEvent event) {
    eventLog.tell(new EventLog.Emit(event));
  }
}
