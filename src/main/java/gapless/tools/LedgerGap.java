package gapless.tools;

import gapless.model.Batch;
import gapless.model.BatchCodec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The ledger batches acknowledged within a time window, typically while one storage node was
 * down: the gap that node's recovery has to fill, counted in batches, samples and encoded bytes
 * (the bytes replicas store and recovery ships).
 *
 * @param seqs the seqs of the window's batches, by collector
 */
public record LedgerGap(long batches, long samples, long bytes, Map<String, TreeSet<Long>> seqs) {

  /** The entries whose ack time lies in {@code [fromMs, toMs]}; entries without an ack time are left out. */
  public static LedgerGap of(List<LedgerEntry> ledger, long fromMs, long toMs) {
    long batches = 0;
    long samples = 0;
    long bytes = 0;
    Map<String, TreeSet<Long>> seqs = new TreeMap<>();
    for (LedgerEntry e : ledger) {
      if (!e.ackedBetween(fromMs, toMs)) {
        continue;
      }
      batches++;
      samples += (long) e.tags() * e.perTag();
      // The same encoding the simulator counts and the replicas store, so bytes compare with GAP_RECOVERED.
      bytes += BatchCodec.encode(Batch.ofSamples(e.seq(), 0, SampleGenerator.batch(e.collector(), e.generatorSeq(),
          e.tags(), e.perTag(), e.stepMs(), e.startTs()))).length;
      seqs.computeIfAbsent(e.collector(), k -> new TreeSet<>()).add(e.seq());
    }
    return new LedgerGap(batches, samples, bytes, seqs);
  }

  /** Number of collectors with at least one batch in the window. */
  public int collectors() {
    return seqs.size();
  }
}
