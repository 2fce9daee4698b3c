package gapless.store;

import gapless.model.Sample;
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
    int n = samples.size();
    // Worst case per sample: 10-byte varint + 8 + 1; header: 1 + 5 + 8.
    ByteBuffer out = ByteBuffer.allocate(14 + n * 19);
    out.put((byte) VERSION);
    putVarint(out, n);
    long prev = n == 0 ? 0 : samples.get(0).ts();
    out.putLong(prev);
    for (Sample s : samples) {
      putVarint(out, zigzag(s.ts() - prev));
      prev = s.ts();
      out.putDouble(s.value());
      out.put((byte) s.quality());
    }
    byte[] block = new byte[out.position()];
    out.flip();
    out.get(block);
    return block;
  }

  /**
   * Decodes {@code block}, appending to {@code out} the samples with {@code fromTs <= ts <= toTs}
   * as samples of {@code tag}; the filter runs before a {@link Sample} is built.
   */
  public static void decodeInto(String tag, byte[] block, long fromTs, long toTs, List<Sample> out) {
    ByteBuffer in = ByteBuffer.wrap(block);
    int version = in.get() & 0xff;
    if (version != VERSION) {
      throw new IllegalArgumentException("unknown tag block version " + version);
    }
    long count = getVarint(in);
    long ts = in.getLong();
    for (long i = 0; i < count; i++) {
      ts += unzigzag(getVarint(in));
      double value = in.getDouble();
      int quality = in.get() & 0xff;
      if (ts >= fromTs && ts <= toTs) {
        out.add(new Sample(tag, ts, value, quality));
      }
    }
  }

  private static void putVarint(ByteBuffer out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.put((byte) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.put((byte) v);
  }

  private static long getVarint(ByteBuffer in) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = in.get();
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new IllegalArgumentException("malformed varint in tag block");
  }

  private static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }
}
