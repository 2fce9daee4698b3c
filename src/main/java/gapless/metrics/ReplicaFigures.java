package gapless.metrics;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last figures each replica on this node reported, by collector: written by the replicas on
 * their sync tick, read by a scrape. A sleeping replica's figures stay as it left them (it sleeps
 * settled: nothing missing, in step with its siblings). Thread-safe.
 */
public final class ReplicaFigures {

  /**
   * @param contiguousSeq the replica holds every seq up to this one
   * @param missingSeqs   seqs below its highest that it lacks
   * @param lagSeqs       seqs its contiguous history is behind the furthest sibling's
   * @param recovering    a recovery of it is running
   */
  public record Figures(long contiguousSeq, long missingSeqs, long lagSeqs, boolean recovering) {}

  private final Map<String, Figures> byCollector = new ConcurrentHashMap<>();
  // When each replica that reports a recovery running was first seen recovering.
  private final Map<String, Long> recoveringSince = new ConcurrentHashMap<>();

  public void report(String collector, Figures figures) {
    byCollector.put(collector, figures);
    if (figures.recovering()) {
      recoveringSince.putIfAbsent(collector, System.currentTimeMillis());
    } else {
      recoveringSince.remove(collector);
    }
  }

  /** How long the replica recovering longest has been at it (as of its reports), in ms; 0 when none is. */
  public long longestRecoveringMillis(long now) {
    return recoveringSince.values().stream().mapToLong(since -> now - since).max().orElse(0);
  }

  /** A read-only view, read while replicas report (no copy of thousands of entries per gauge and scrape). */
  public Map<String, Figures> all() {
    return Collections.unmodifiableMap(byCollector);
  }
}
