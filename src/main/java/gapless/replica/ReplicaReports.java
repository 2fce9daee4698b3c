package gapless.replica;

import akka.actor.typed.ActorRef;
import gapless.events.ClusterEvent;
import gapless.events.ClusterEvents;
import gapless.events.EventLog;
import gapless.model.SeqRanges;
import gapless.model.StopReason;
import gapless.replica.ReplicaEvent.BatchReplaced;
import gapless.replica.ReplicaEvent.BatchStored;
import gapless.replica.ReplicaEvent.RecordingResumed;
import gapless.replica.ReplicaEvent.RecordingStopped;
import gapless.replica.ReplicaEvent.StoreLost;
import java.util.List;
import org.slf4j.Logger;

/** What a replica's journal events tell the cluster event log (and its own log): one place for each kind. */
final class ReplicaReports {

  private final String node;
  private final String collector;
  private final ActorRef<EventLog.Command> eventLog;
  private final Logger log;

  ReplicaReports(String node, String collector, ActorRef<EventLog.Command> eventLog, Logger log) {
    this.node = node;
    this.collector = collector;
    this.eventLog = eventLog;
    this.log = log;
  }

  /** A stop or resume of recording, or a lost store, once journaled; other events say nothing here. */
  void recorded(ReplicaEvent e) {
    if (e instanceof StoreLost l) {
      log.warn("Replica of [{}]: the sample store [{}] its journal lists [{}] of is gone (this node's store is [{}]);"
          + " fetching everything again from the siblings", collector, l.lostStoreId(), l.lost(), l.storeId());
      emit(ClusterEvents.storeRebuild(node, collector, l.lost(), "journal written with store " + l.lostStoreId()
          + ", this node's store is " + l.storeId()));
    } else if (e instanceof RecordingStopped s) {
      // A collector stop is a mark in the collector's history; the replica's own progress is beside the point.
      boolean collectorStop = s.reason() == StopReason.COLLECTOR_STOPPED;
      emit(ClusterEvents.recordingStopped(node, collector, s.reason(), s.seq(),
          collectorStop ? null : s.contiguousSeq(), s.detail()));
    } else if (e instanceof RecordingResumed r) {
      emit(ClusterEvents.recordingResumed(node, collector, r.reason(), r.seq(), r.detail()));
    }
  }

  /**
   * Batches the store holds whose events the journal lost (its unsynced tail, in a power cut),
   * journaled again: each a {@code BatchStored}, a status batch also its stop or resume.
   */
  void restored(List<ReplicaEvent> lost) {
    SeqRanges seqs = SeqRanges.EMPTY;
    for (ReplicaEvent e : lost) {
      if (e instanceof BatchStored b) {
        seqs = seqs.add(b.seq());
      }
    }
    if (seqs.count() == 0) {
      return;
    }
    log.warn("Journal of [{}] lacked the events of [{}] batches its store holds (lost in a power cut): written again",
        collector, seqs.count());
    emit(ClusterEvents.journalRestored(node, collector, seqs, "journaled again from the sample store's marks"));
  }

  /** A replacement, once journaled; one that only recorded a newer epoch for the same content is not news. */
  void replaced(BatchReplaced e) {
    if (e.checksum() == e.replacedChecksum()) {
      return;
    }
    log.info("Batch [{}] of [{}] of epoch [{}] replaced by the content of epoch [{}]",
        e.seq(), collector, e.replacedEpoch(), e.epoch());
    emit(ClusterEvents.batchReplaced(node, collector, e.seq(), e.replacedEpoch(), e.epoch(),
        "stored crc32c=" + e.replacedChecksum() + " (" + e.replacedSamples() + " samples), new crc32c=" + e.checksum()
            + " (" + e.samples() + " samples" + (e.status() == null ? "" : ", " + e.status()) + ")"));
  }

  void restarted(int batches) {
    log.warn("Replica of [{}] restarted after a journal failure; [{}] batches go again", collector, batches);
    emit(ClusterEvents.replicaRestarted(node, collector, "journal write failed", batches));
  }

  private void emit(ClusterEvent event) {
    eventLog.tell(new EventLog.Emit(event));
  }
}
