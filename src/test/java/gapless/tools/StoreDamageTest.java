package gapless.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.TestBatches;
import gapless.model.BatchCodec;
import gapless.model.EncodedBatch;
import gapless.store.SampleStore;
import gapless.store.StoredBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreDamageTest {

  @TempDir Path dir;

  @Test
  void flippedBlobsReadAsDamagedAndALostOneAsMissing() {
    try (SampleStore store = SampleStore.open(dir, 3_600_000L)) {
      List<EncodedBatch> batches = new ArrayList<>();
      for (long seq = 1; seq <= 20; seq++) {
        batches.add(new EncodedBatch(seq, TestBatches.blob(seq, 5)));
      }
      store.write("c", batches);
    }
    List<StoreDamage.Damaged> damaged = StoreDamage.damage(dir, new Random(7), 2, 1);
    assertEquals(3, damaged.size());
    assertEquals(List.of(false, false, true), damaged.stream().map(StoreDamage.Damaged::lost).toList());
    try (SampleStore store = SampleStore.open(dir, 3_600_000L)) {
      for (StoreDamage.Damaged d : damaged) {
        long state = StoredBatch.stateOf(store.readBatch(d.collector(), d.seq()).orElse(null));
        assertEquals(d.lost() ? StoredBatch.MISSING : StoredBatch.DAMAGED, state, d.describe());
      }
    }
  }

  @Test
  void rangesAsEventsWriteThemCoverTheirSeqs() {
    assertTrue(Chaos.covers("3", 3));
    assertTrue(Chaos.covers("1..2,7..9", 8));
    assertFalse(Chaos.covers("1..2,7..9", 5));
    assertFalse(Chaos.covers("", 1));
  }
}
