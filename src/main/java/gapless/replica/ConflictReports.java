package gapless.replica;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.cluster.Member;
import akka.cluster.typed.Cluster;
import gapless.events.ClusterEvents;
import gapless.events.EventLog;
import gapless.model.BatchCodec;
import gapless.replica.ReplicaProtocol.StoreBatch;
import gapless.replica.ReplicaProtocol.StoreRefused;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Reports a replica's refused batches (another batch given the seq of one it keeps, or a batch
 * that arrived damaged): one warning and one {@code BATCH_CONFLICT} ({@code BATCH_CORRUPT}) per
 * distinct offer, so a sender that resends a refused batch is not reported once per resend.
 * Bounded; not persisted. Used from the replica's actor only.
 */
final class ConflictReports {

  private static final int MAX_REMEMBERED = 1024;

  private final String node;
  private final String collector;
  private final ActorSystem<?> system;
  private final ActorRef<EventLog.Command> eventLog;
  private final Logger log;
  // (seq, offered checksum) already reported.
  private final Set<String> reported = Collections.newSetFromMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > MAX_REMEMBERED;
    }
  });

  ConflictReports(String node, String collector, ActorSystem<?> system, ActorRef<EventLog.Command> eventLog, Logger log) {
    this.node = node;
    this.collector = collector;
    this.system = system;
    this.eventLog = eventLog;
    this.log = log;
  }

  /** {@code offered} was refused: the seq holds (or is being written with) a blob of {@code keptChecksum}. */
  void refused(StoreBatch offered, long keptChecksum, String kept) {
    long offeredChecksum = BatchCodec.checksum(offered.blob());
    if (!reported.add(offered.seq() + ":" + offeredChecksum)) {
      log.debug("Batch [{}] of [{}] offered again with other content; refused", offered.seq(), collector);
      return;
    }
    String peer = senderNode(offered.replyTo());
    String detail = kept + " crc32c=" + keptChecksum + ", offered crc32c=" + offeredChecksum
        + " (" + offered.blob().length + " bytes)" + (peer == null ? ", reply to " + offered.replyTo().path() : "");
    log.warn("Batch [{}] of [{}] offered{} with other content than the one {}; refused, not acked: [{}]",
        offered.seq(), collector, peer == null ? "" : " by " + peer, kept, detail);
    eventLog.tell(new EventLog.Emit(ClusterEvents.batchConflict(node, collector, offered.seq(), peer, detail)));
  }

  /**
   * {@code offered} is not what its gateway encoded (its CRC does not match): reported once per seq
   * and checksum; returns the refusal to answer it with.
   */
  StoreRefused damaged(StoreBatch offered) {
    StoreRefused refusal = new StoreRefused(node, collector, offered.seq(), false,
        "batch " + offered.seq() + " arrived damaged on " + node + " (its CRC32C does not match); not stored");
    long checksum = BatchCodec.checksum(offered.blob());
    if (!reported.add("damaged " + offered.seq() + ":" + checksum)) {
      return refusal;
    }
    String peer = senderNode(offered.replyTo());
    String detail = offered.kind() + " write of " + offered.blob().length + " bytes whose CRC32C does not match its content";
    log.error("Batch [{}] of [{}] arrived damaged{}; refused: [{}]", offered.seq(), collector, peer == null ? "" : " from " + peer, detail);
    eventLog.tell(new EventLog.Emit(ClusterEvents.batchCorrupt(node, collector, offered.seq(), peer, detail)));
    return refusal;
  }

  /** The node id of a remote sender, when it is a cluster member; null when local or not known. */
  private String senderNode(ActorRef<?> replyTo) {
    Address address = replyTo.path().address();
    if (!address.hasGlobalScope()) {
      return null;
    }
    for (Member m : Cluster.get(system).state().getMembers()) {
      if (m.address().equals(address)) {
        return EventLog.nodeIdOf(m);
      }
    }
    return null;
  }
}
