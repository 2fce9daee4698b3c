package gapless.store;

import gapless.model.Sample;
import gapless.model.Varints;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Owns the encoding of a tag-index value: the samples of one tag, from one batch, in one time
 * bucket. The tag, collector, bucket and seq are in the key, so the block holds only what differs
 * per sample.
 *
 * <p>Version 1 layout: {@code version:u8 (=1), count:varint, firstTs:i64be}, then per sample
 * {@code tsDelta:zigzag-varint, value:f64be, quality:u8}, where {@code tsDelta} is the difference to
 * the previous sample's ts (to {@code firstTs} for the first sample, so it is 0). Samples keep
 * their order within the batch, which need not be time order, hence the zigzag. Varints are
 * little-endian base-128, as in {@code BatchCodec}. About 10 bytes a sample at steady rates.
 */
public final class TagBlock {

  public static final int VERSION = 1;

  private TagBlock() {}

  /** Encodes {@code samples}, which must all be of one tag (the tag itself is not stored). */
  public static byte[] encode(List<Sample> samples) {
    Builder block = new Builder();
    for (Sample s : samples) {
      block.add(s.ts(), s.value(), s.quality());
    }
    return block.toBytes();
  }

  /** A block built a sample at a time, in the order they are added; {@link #toBytes} gives its encoding. */
  public static final class Builder {
    // Per sample at worst a 10-byte varint + 8 + 1.
    private static final int MAX_SAMPLE_BYTES = 19;
    private ByteBuffer samples = ByteBuffer.allocate(16 * MAX_SAMPLE_BYTES);
    private int count;
    private long firstTs;
    private long prevTs;

    public void add(long ts, double value, int quality) {
      if (samples.remaining() < MAX_SAMPLE_BYTES) {
        samples = ByteBuffer.allocate(samples.capacity() * 2).put(samples.flip());
      }
      if (count++ == 0) {
        firstTs = ts;
        prevTs = ts;
      }
      Varints.put(samples, Varints.zigzag(ts - prevTs));
      prevTs = ts;
      samples.putDouble(value);
      samples.put((byte) quality);
    }

    public byte[] toBytes() {
      ByteBuffer out = ByteBuffer.allocate(1 + Varints.MAX_BYTES + 8 + samples.position());
      out.put((byte) VERSION);
      Varints.put(out, count);
      out.putLong(firstTs);
      out.put(samples.array(), 0, samples.position());
      return java.util.Arrays.copyOf(out.array(), out.position());
    }
  }

  /** Where decoded samples go, without a {@link Sample} object each. */
  public interface SampleVisitor {
    void accept(long ts, double value, int quality);
  }

  /**
   * Decodes {@code block}, appending to {@code out} the samples with {@code fromTs <= ts <= toTs}
   * as samples of {@code tag}; the filter runs before a {@link Sample} is built.
   */
  public static void decodeInto(String tag, byte[] block, long fromTs, long toTs, List<Sample> out) {
    decode(block, fromTs, toTs, (ts, value, quality) -> out.add(new Sample(tag, ts, value, quality)));
  }

  /** Decodes {@code block}, visiting the samples with {@code fromTs <= ts <= toTs} in block order. */
  public static void decode(byte[] block, long fromTs, long toTs, SampleVisitor visitor) {
    ByteBuffer in = ByteBuffer.wrap(block);
    int version = in.get() & 0xff;
    if (version != VERSION) {
      throw new IllegalArgumentException("unknown tag block version " + version);
    }
    long count = Varints.get(in);
    long ts = in.getLong();
    for (long i = 0; i < count; i++) {
      ts += Varints.unzigzag(Varints.get(in));
      double value = in.getDouble();
      int quality = in.get() & 0xff;
      if (ts >= fromTs && ts <= toTs) {
        visitor.accept(ts, value, quality);
      }
    }
  }
}
