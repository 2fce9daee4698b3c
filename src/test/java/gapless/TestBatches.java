package gapless;

import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.Sample;
import gapless.store.SampleStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Encoded batches for tests (three tags, {@code samples} samples, values derived from the seq), and reading them back. */
public final class TestBatches {

  private TestBatches() {}

  public static byte[] blob(long seq, int samples) {
    List<Sample> list = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      list.add(new Sample("T" + (i % 3) + ".PV", 1_700_000_000_000L + seq * 1000 + i, seq + i / 10.0, 192));
    }
    return BatchCodec.encode(Batch.ofSamples(seq, 1_700_000_000_000L + seq, list));
  }

  /** The blob {@code store} holds for {@code (collector, seq)}, if any. */
  public static Optional<byte[]> stored(SampleStore store, String collector, long seq) {
    return store.readBatch(collector, seq);
  }
}
