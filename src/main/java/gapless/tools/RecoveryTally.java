package gapless.tools;

import gapless.client.NodeEvent;
import gapless.events.EventField;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one node's recovery events say since a point in time: which collectors started and
 * completed recovery, what the GAP_RECOVERED events moved, and any failures. Built from the
 * event log (a node's own event file or the cluster log) by the demo, the benchmark and the tests.
 */
public final class RecoveryTally {

  private final String node;
  private final Map<String, NodeEvent> lastStarted = new TreeMap<>();
  private final Map<String, NodeEvent> lastCompleted = new TreeMap<>();
  private final List<NodeEvent> recovered = new ArrayList<>();
  private final List<NodeEvent> detected = new ArrayList<>();
  private final List<NodeEvent> failed = new ArrayList<>();
  private final List<NodeEvent> progress = new ArrayList<>();

  private RecoveryTally(String node) {
    this.node = node;
  }

  /** The recovery events {@code node} emitted at or after {@code since}. */
  public static RecoveryTally of(List<NodeEvent> events, String node, Instant since) {
    RecoveryTally t = new RecoveryTally(node);
    for (NodeEvent e : events) {
      if (!node.equals(e.node()) || e.time().isBefore(since) || !e.known()) {
        continue;
      }
      switch (e.event()) {
        case RECOVERY_STARTED -> t.lastStarted.put(e.collector(), e);
        case RECOVERY_COMPLETED -> t.lastCompleted.put(e.collector(), e);
        case GAP_RECOVERED -> t.recovered.add(e);
        case GAP_DETECTED -> t.detected.add(e);
        case RECOVERY_FAILED -> t.failed.add(e);
        case SYNC_PROGRESS -> t.progress.add(e);
        default -> { } // membership and recording events say nothing about how a recovery went
      }
    }
    return t;
  }

  public String node() {
    return node;
  }

  /** True when a recovery of {@code collector} started and its latest run completed. */
  public boolean completed(String collector) {
    NodeEvent c = lastCompleted.get(collector);
    if (c == null) {
      return false;
    }
    NodeEvent s = lastStarted.get(collector);
    return s == null || !c.time().isBefore(s.time());
  }

  /** The collectors of {@code expected} whose recovery has not completed (yet). */
  public List<String> notCompleted(Collection<String> expected) {
    return expected.stream().filter(c -> !completed(c)).sorted().toList();
  }

  public Map<String, NodeEvent> started() {
    return lastStarted;
  }

  public List<NodeEvent> gapRecovered() {
    return recovered;
  }

  public List<NodeEvent> gapDetected() {
    return detected;
  }

  public List<NodeEvent> failures() {
    return failed;
  }

  public Optional<Instant> firstStarted() {
    return lastStarted.values().stream().map(NodeEvent::time).min(Instant::compareTo);
  }

  public Optional<Instant> lastCompletedTime() {
    return lastCompleted.values().stream().map(NodeEvent::time).max(Instant::compareTo);
  }

  /** Sum of {@code field} over the GAP_RECOVERED events. */
  public long recoveredSum(EventField field) {
    return recovered.stream().mapToLong(e -> e.num(field)).sum();
  }

  public long recoveredBatches() {
    return recoveredSum(EventField.BATCHES);
  }

  public long recoveredBytes() {
    return recoveredSum(EventField.BYTES);
  }

  public long recoveredSamples() {
    return recoveredSum(EventField.SAMPLES);
  }

  /** GAP_RECOVERED batches of one collector. */
  public long recoveredBatches(String collector) {
    return recovered.stream().filter(e -> collector.equals(e.collector())).mapToLong(e -> e.num(EventField.BATCHES)).sum();
  }

  /** The recovered seq ranges of one collector (its GAP_RECOVERED {@code ranges}), in event order. */
  public List<long[]> recoveredRanges(String collector) {
    return recovered.stream().filter(e -> collector.equals(e.collector())).flatMap(e -> e.seqRanges().stream()).toList();
  }

  /**
   * The sibling the first batches came from: the first single-node peer of a SYNC_PROGRESS, else
   * of a GAP_DETECTED (their peers are comma-joined when several siblings are involved).
   */
  public Optional<String> firstSource() {
    for (List<NodeEvent> kind : List.of(progress, detected)) {
      Optional<String> p = kind.stream().filter(e -> !e.peer().isEmpty() && !e.peer().contains(","))
          .min((a, b) -> a.time().compareTo(b.time())).map(NodeEvent::peer);
      if (p.isPresent()) {
        return p;
      }
    }
    return Optional.empty();
  }
}
