package gapless.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.model.EncodedBatch;
import gapless.store.SampleStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleStoreBaselineTest {

  @TempDir
  Path dir;

  @Test
  void everyStoreHoldsWhatItsWritersWroteWithTheirTagIndex() throws Exception {
    SampleStoreBaseline.Result r = SampleStoreBaseline.measure(dir, 2, 2, 3, 5, Duration.ZERO, Duration.ofMillis(300));
    assertTrue(r.samplesPerSecond() > 0);
    // Two stores: every sample counted once, written twice.
    assertEquals(r.writesPerSecond() / 2 * 15, r.samplesPerSecond(), 1e-6);
    for (int store = 0; store < 2; store++) {
      try (SampleStore s = SampleStore.open(dir.resolve("store-" + store), 3_600_000L)) {
        for (String collector : List.of("baseline-0", "baseline-1")) {
          List<EncodedBatch> held = s.readBatches(collector, 1, Long.MAX_VALUE, Long.MAX_VALUE);
          assertFalse(held.isEmpty(), collector + " on store " + store);
          assertEquals(held.size(), held.get(held.size() - 1).seq(), "seqs 1..n without holes");
          List<?> samples = s.query(collector, SampleGenerator.tagName(1), 0, Long.MAX_VALUE, 1_000_000).samples();
          assertEquals(held.size() * 5, samples.size(), "each batch indexed: 5 samples of the tag");
        }
      }
    }
  }

  @Test
  void refusesNothingToMeasure() {
    assertThrows(IllegalArgumentException.class,
        () -> SampleStoreBaseline.measure(dir, 0, 1, 1, 1, Duration.ZERO, Duration.ofMillis(10)));
  }
}
