package gapless.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BatchCodecTest {

  @Test
  void roundTripsSamplesIncludingNegativeTsDeltas() {
    Batch batch =
        Batch.ofSamples(
            7,
            1_700_000_000_123L,
            List.of(
                new Sample("line1/temp", 1_700_000_000_000L, 21.5, 192),
                new Sample("line1:press", 1_700_000_000_000L, -3.25, 0),
                new Sample("line1/temp", 1_699_999_999_000L, 21.4, 255),
                new Sample("line1/temp", 0L, Double.MAX_VALUE, 64),
                new Sample("x", Validation.MAX_TS, -0.0, 1)));
    Batch back = BatchCodec.decode(7, BatchCodec.encode(batch));
    assertEquals(batch, back);
    assertFalse(back.isStatusChange());
  }

  @Test
  void roundTripsEmptyAndStatusBatches() {
    Batch empty = Batch.ofSamples(1, 5, List.of());
    assertEquals(empty, BatchCodec.decode(1, BatchCodec.encode(empty)));
    Batch stop = Batch.ofStatus(9, 42, CollectorStatus.STOPPED, "maintenance window é");
    Batch back = BatchCodec.decode(9, BatchCodec.encode(stop));
    assertEquals(stop, back);
    assertTrue(back.isStatusChange());
    assertEquals(List.of(), back.samples());
    Batch run = Batch.ofStatus(10, 43, CollectorStatus.RUNNING, null);
    assertEquals(run, BatchCodec.decode(10, BatchCodec.encode(run)));
  }

  @Test
  void seqComesFromTheCallerNotTheBytes() {
    byte[] blob = BatchCodec.encode(Batch.ofSamples(1, 5, List.of(new Sample("t", 1, 1, 1))));
    assertEquals(99, BatchCodec.decode(99, blob).seq());
  }

  @Test
  void rejectsUnknownVersionAndKind() {
    byte[] blob = BatchCodec.encode(Batch.ofSamples(1, 5, List.of(new Sample("t", 1, 1, 1))));
    byte[] badVersion = blob.clone();
    badVersion[0] = 9;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BatchCodec.decode(1, badVersion));
    assertTrue(e.getMessage().contains("version"));
    byte[] badKind = blob.clone();
    badKind[1] = 7;
    assertThrows(IllegalArgumentException.class, () -> BatchCodec.decode(1, badKind));
  }

  @Test
  void statusIsWrittenAsItsCodeAndAnUnknownCodeIsRefused() {
    byte[] blob = BatchCodec.encode(Batch.ofStatus(4, 1000, CollectorStatus.STOPPED, ""));
    // version, kind, acceptedAt (8 bytes), then the status code.
    assertEquals(CollectorStatus.STOPPED.code(), blob[10]);
    byte[] unknown = blob.clone();
    unknown[10] = 9;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BatchCodec.decode(4, unknown));
    assertTrue(e.getMessage().contains("status code 9"), e.getMessage());
  }

  @Test
  void encodingAndChecksumAreStable() {
    Batch batch = Batch.ofSamples(3, 1000, List.of(new Sample("t", 2000, 1.0, 192)));
    byte[] a = BatchCodec.encode(batch);
    byte[] b = BatchCodec.encode(Batch.ofSamples(3, 1000, List.of(new Sample("t", 2000, 1.0, 192))));
    assertArrayEquals(a, b);
    assertEquals(BatchCodec.checksum(a), BatchCodec.checksum(b));
    // Pinned: replicas on different builds must agree on bytes and checksums.
    byte[] body = {
      3, 0, 0, 0, 0, 0, 0, 0, 3, (byte) 0xe8, // version, kind, acceptedAt=1000
      1, 1, 't', // one tag "t"
      1, 0, 0, 0, 0, 0, 0, 7, (byte) 0xd0, // one sample, firstTs=2000
      0, 0, // tag index 0, ts delta 0
      0x3f, (byte) 0xf0, 0, 0, 0, 0, 0, 0, // 1.0
      (byte) 192
    };
    java.util.zip.CRC32C bodyCrc = new java.util.zip.CRC32C();
    bodyCrc.update(body);
    byte[] expected = java.nio.ByteBuffer.allocate(body.length + 4).put(body).putInt((int) bodyCrc.getValue()).array();
    assertArrayEquals(expected, a);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(expected);
    assertEquals(crc.getValue(), BatchCodec.checksum(a));
    byte[] changed = a.clone();
    changed[changed.length - 1] = 0;
    assertNotEquals(BatchCodec.checksum(a), BatchCodec.checksum(changed));
  }

  @Test
  void anIdempotencyKeyTravelsInTheBlobAndABatchWithoutOneIsEncodedAsBefore() {
    Batch batch = Batch.ofSamples(3, 1_700_000_000_000L, List.of(new Sample("FIC101.PV", 1_700_000_000_000L, 1.5, 192)));
    byte[] plain = BatchCodec.encode(batch);
    byte[] keyed = BatchCodec.encode(batch, "order-42/retry");
    assertEquals(BatchCodec.VERSION, plain[0]);
    assertEquals("", BatchCodec.idempotencyKey(plain));
    assertEquals("order-42/retry", BatchCodec.idempotencyKey(keyed));
    assertEquals(batch, BatchCodec.decode(3, keyed));
    assertEquals(1, BatchCodec.sampleCount(keyed));
    assertEquals(1_700_000_000_000L, BatchCodec.acceptedAt(keyed));
    Batch status = Batch.ofStatus(4, 9, CollectorStatus.STOPPED, "shift change");
    assertEquals(status, BatchCodec.decode(4, BatchCodec.encode(status, "k")));
    assertEquals("k", BatchCodec.idempotencyKey(BatchCodec.encode(status, "k")));
  }

  @Test
  void aBatchCarriesItsCrcAndAnyChangedByteIsSeenWhileBatchesStoredBeforeAreReadAsTheyAre() {
    byte[] blob = BatchCodec.encode(Batch.ofSamples(3, 1000, List.of(new Sample("t", 2000, 1.0, 192))), "k");
    assertTrue(BatchCodec.intact(blob));
    for (int i = 0; i < blob.length; i++) {
      byte[] damaged = blob.clone();
      damaged[i] ^= 0x10;
      assertFalse(BatchCodec.intact(damaged), "byte " + i + " changed");
    }
    assertFalse(BatchCodec.intact(java.util.Arrays.copyOf(blob, blob.length - 1)), "cut short");
    // Version 1, as stored before batches carried a CRC.
    byte[] v1 = {
      1, 0, 0, 0, 0, 0, 0, 0, 3, (byte) 0xe8, 1, 1, 't', 1, 0, 0, 0, 0, 0, 0, 7, (byte) 0xd0, 0, 0,
      0x3f, (byte) 0xf0, 0, 0, 0, 0, 0, 0, (byte) 192
    };
    assertTrue(BatchCodec.intact(v1));
    assertEquals(Batch.ofSamples(3, 1000, List.of(new Sample("t", 2000, 1.0, 192))), BatchCodec.decode(3, v1));
    assertEquals(BatchCodec.contentChecksum(v1), BatchCodec.contentChecksum(BatchCodec.encode(BatchCodec.decode(3, v1))));
  }

  @Test
  void theContentChecksumIgnoresWhenTheBatchWasAcceptedAndItsKey() {
    List<Sample> samples = List.of(new Sample("FIC101.PV", 1_700_000_000_000L, 1.5, 192));
    long first = BatchCodec.contentChecksum(BatchCodec.encode(Batch.ofSamples(0, 1, samples), "a"));
    assertEquals(first, BatchCodec.contentChecksum(BatchCodec.encode(Batch.ofSamples(0, 2, samples), "b")));
    assertEquals(first, BatchCodec.contentChecksum(BatchCodec.encode(Batch.ofSamples(0, 3, samples))));
    assertNotEquals(first, BatchCodec.contentChecksum(BatchCodec.encode(Batch.ofSamples(0, 1,
        List.of(new Sample("FIC101.PV", 1_700_000_000_000L, 1.6, 192))), "a")));
    assertNotEquals(first, BatchCodec.contentChecksum(BatchCodec.encode(Batch.ofStatus(0, 1, CollectorStatus.STOPPED, ""), "a")));
  }
}
