package gapless.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StoreKeysTest {

  private static int cmp(byte[] a, byte[] b) {
    // LevelDB's default comparator: unsigned bytewise.
    return Arrays.compareUnsigned(a, b);
  }

  @Test
  void batchKeysOrderNumericallyBySeq() {
    long[] seqs = {1, 2, 255, 256, 65535, 65536, 1L << 32, Long.MAX_VALUE};
    for (int i = 1; i < seqs.length; i++) {
      assertTrue(
          cmp(StoreKeys.batchKey("c", seqs[i - 1]), StoreKeys.batchKey("c", seqs[i])) < 0,
          seqs[i - 1] + " < " + seqs[i]);
    }
    assertEquals(65536, StoreKeys.seqOfBatchKey(StoreKeys.batchKey("c", 65536)));
  }

  @Test
  void collectorPrefixDoesNotBleedIntoLongerIds() {
    byte[] prefixA = StoreKeys.batchPrefix("a");
    assertTrue(StoreKeys.startsWith(StoreKeys.batchKey("a", 7), prefixA));
    assertFalse(StoreKeys.startsWith(StoreKeys.batchKey("a.b", 7), prefixA));
    assertFalse(StoreKeys.startsWith(StoreKeys.batchKey("ab", 7), prefixA));
    // Every key of "a" sorts before every key of "a.b" and "ab": ranges do not interleave.
    byte[] lastOfA = StoreKeys.batchKey("a", Long.MAX_VALUE);
    assertTrue(cmp(lastOfA, StoreKeys.batchKey("a.b", 1)) < 0);
    assertTrue(cmp(lastOfA, StoreKeys.batchKey("ab", 1)) < 0);
    assertTrue(cmp(lastOfA, StoreKeys.batchKey("a-", 1)) < 0);
  }

  @Test
  void tagKeysOrderByBucketThenSeqAndIsolateTags() {
    byte[] k1 = StoreKeys.tagKey("c", "t", 1, 900);
    byte[] k2 = StoreKeys.tagKey("c", "t", 2, 1);
    byte[] k3 = StoreKeys.tagKey("c", "t", 2, 256);
    assertTrue(cmp(k1, k2) < 0);
    assertTrue(cmp(k2, k3) < 0);
    assertEquals(2, StoreKeys.bucketOfTagKey(k3));
    // The seq is the last 8 bytes, big-endian.
    assertEquals(256, ByteBuffer.wrap(k3, k3.length - 8, 8).getLong());
    byte[] prefix = StoreKeys.tagPrefix("c", "t");
    assertTrue(StoreKeys.startsWith(k3, prefix));
    assertFalse(StoreKeys.startsWith(StoreKeys.tagKey("c", "t:x", 1, 1), prefix));
    assertFalse(StoreKeys.startsWith(StoreKeys.tagKey("c.d", "t", 1, 1), StoreKeys.tagPrefix("c", "t")));
  }

  @Test
  void registryKeyRoundTripsAndKeyTypesDoNotMix() {
    byte[] r = StoreKeys.registryKey("plant-7.line_2");
    assertTrue(StoreKeys.startsWith(r, StoreKeys.registryPrefix()));
    assertEquals("plant-7.line_2", StoreKeys.collectorOfRegistryKey(r));
    assertFalse(StoreKeys.startsWith(StoreKeys.batchKey("x", 1), StoreKeys.registryPrefix()));
    assertFalse(StoreKeys.startsWith(StoreKeys.tagKey("x", "y", 1, 1), StoreKeys.registryPrefix()));
  }

  @Test
  void bucketFloorsAndRejectsNul() {
    assertEquals(0, StoreKeys.bucket(0, 1000));
    assertEquals(0, StoreKeys.bucket(999, 1000));
    assertEquals(1, StoreKeys.bucket(1000, 1000));
    assertThrows(IllegalArgumentException.class, () -> StoreKeys.batchKey("a\0b", 1));
    assertThrows(IllegalArgumentException.class, () -> StoreKeys.tagKey("a", "", 1, 1));
  }
}
