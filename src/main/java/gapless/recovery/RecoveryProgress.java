package gapless.recovery;

import gapless.model.SeqRanges;
import java.util.ArrayList;
import java.util.List;

/**
 * What one recovery has done so far, carried from phase to phase: what it stored, from whom, how
 * many replies it dropped because they did not belong to the phase it was in, and how many times
 * it probed the siblings. Immutable.
 */
record RecoveryProgress(long batches, long samples, long bytes, SeqRanges filled, List<String> sources, int dropped,
    int probes) {

  static final RecoveryProgress NONE = new RecoveryProgress(0, 0, 0, SeqRanges.EMPTY, List.of(), 0, 0);

  RecoveryProgress {
    sources = List.copyOf(sources);
  }

  RecoveryProgress withSource(String source) {
    if (sources.contains(source)) {
      return this;
    }
    List<String> more = new ArrayList<>(sources);
    more.add(source);
    return new RecoveryProgress(batches, samples, bytes, filled, more, dropped, probes);
  }

  RecoveryProgress withChunk(SeqRanges seqs, long chunkSamples, long chunkBytes) {
    return new RecoveryProgress(batches + seqs.count(), samples + chunkSamples, bytes + chunkBytes,
        filled.union(seqs), sources, dropped, probes);
  }

  RecoveryProgress withDropped() {
    return new RecoveryProgress(batches, samples, bytes, filled, sources, dropped + 1, probes);
  }

  RecoveryProgress withProbe() {
    return new RecoveryProgress(batches, samples, bytes, filled, sources, dropped, probes + 1);
  }
}
