package gapless.model;

import java.nio.ByteBuffer;

/** LEB128 varints and zigzag signed deltas: the compact integers of every Gapless encoding. */
public final class Varints {

  /** Most bytes one varint of a long takes. */
  public static final int MAX_BYTES = 10;

  private Varints() {}

  public static void put(ByteBuffer out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.put((byte) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.put((byte) v);
  }

  public static long get(ByteBuffer in) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = in.get();
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new IllegalArgumentException("malformed varint");
  }

  public static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  public static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }
}
