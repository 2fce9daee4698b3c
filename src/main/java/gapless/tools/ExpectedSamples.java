package gapless.tools;

import gapless.model.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The acknowledged samples of one tag of one collector, regenerated from the ledger and held
 * compactly (parallel arrays, about 20 bytes a sample) in time order, for {@link Verifier}.
 */
final class ExpectedSamples {
  final long[] ts;
  final double[] value;
  final int[] quality;

  private ExpectedSamples(long[] ts, double[] value, int[] quality) {
    this.ts = ts;
    this.value = value;
    this.quality = quality;
  }

  int size() {
    return ts.length;
  }

  static ExpectedSamples of(String collector, int tagIndex, List<LedgerEntry> entries) {
    List<LedgerEntry> withTag = new ArrayList<>();
    for (LedgerEntry e : entries) {
      if (e.tags() >= tagIndex) {
        withTag.add(e);
      }
    }
    withTag.sort(Comparator.comparingLong(LedgerEntry::firstTs));
    int n = withTag.stream().mapToInt(LedgerEntry::perTag).sum();
    long[] ts = new long[n];
    double[] value = new double[n];
    int[] quality = new int[n];
    int i = 0;
    boolean sorted = true;
    for (LedgerEntry e : withTag) {
      for (Sample s : SampleGenerator.tagSamples(collector, e.generatorSeq(), tagIndex, e.perTag(), e.stepMs(), e.startTs())) {
        if (i > 0 && s.ts() < ts[i - 1]) {
          sorted = false;
        }
        ts[i] = s.ts();
        value[i] = s.value();
        quality[i] = s.quality();
        i++;
      }
    }
    if (sorted) {
      return new ExpectedSamples(ts, value, quality);
    }
    // Overlapping windows (ledgers of several runs with different start times): sort by time.
    Integer[] order = new Integer[n];
    for (int k = 0; k < n; k++) {
      order[k] = k;
    }
    Arrays.sort(order, Comparator.comparingLong(k -> ts[k]));
    long[] ts2 = new long[n];
    double[] value2 = new double[n];
    int[] quality2 = new int[n];
    for (int k = 0; k < n; k++) {
      ts2[k] = ts[order[k]];
      value2[k] = value[order[k]];
      quality2[k] = quality[order[k]];
    }
    return new ExpectedSamples(ts2, value2, quality2);
  }
}
