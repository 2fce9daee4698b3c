package gapless.model;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The compact, versioned encoding of a batch: the same bytes travel in {@code StoreBatch}, sit in
 * the gateway buffer and the sample store, and move during recovery, so a batch is encoded once.
 *
 * <p>Version 1 layout: {@code version:u8, kind:u8, acceptedAt:i64}, then for a status change
 * {@code status:u8, reason:str}; for samples {@code tagCount:varint, tags:str*, count:varint,
 * firstTs:i64}, then per sample {@code tagIndex:varint, tsDelta:zigzag-varint, value:f64,
 * quality:u8}. Strings are {@code length:varint, utf8}. A sample costs about 11 to 13 bytes.
 */
public final class BatchCodec {

  public static final int VERSION = 1;
  private static final int KIND_SAMPLES = 0;
  private static final int KIND_STATUS = 1;

  private BatchCodec() {}

  public static byte[] encode(Batch batch) {
    List<Sample> samples = batch.samples();
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 + samples.size() * 14);
    out.write(VERSION);
    out.write(batch.isStatusChange() ? KIND_STATUS : KIND_SAMPLES);
    writeLong(out, batch.acceptedAt());
    if (batch.isStatusChange()) {
      out.write(batch.status().ordinal());
      writeString(out, batch.reason());
      return out.toByteArray();
    }
    Map<String, Integer> tagIndex = new HashMap<>();
    List<String> tags = new ArrayList<>();
    for (Sample s : samples) {
      if (tagIndex.putIfAbsent(s.tag(), tags.size()) == null) {
        tags.add(s.tag());
      }
    }
    writeVarint(out, tags.size());
    for (String tag : tags) {
      writeString(out, tag);
    }
    writeVarint(out, samples.size());
    long prevTs = samples.isEmpty() ? 0 : samples.get(0).ts();
    writeLong(out, prevTs);
    byte[] eight = new byte[8];
    ByteBuffer eightBuf = ByteBuffer.wrap(eight);
    for (Sample s : samples) {
      writeVarint(out, tagIndex.get(s.tag()));
      writeVarint(out, zigzag(s.ts() - prevTs));
      prevTs = s.ts();
      eightBuf.putDouble(0, s.value());
      out.write(eight, 0, 8);
      out.write(s.quality());
    }
    return out.toByteArray();
  }

  public static Batch decode(long seq, byte[] blob) {
    ByteBuffer in = ByteBuffer.wrap(blob);
    int version = in.get() & 0xff;
    if (version != VERSION) {
      throw new IllegalArgumentException("unknown batch encoding version " + version);
    }
    int kind = in.get() & 0xff;
    long acceptedAt = in.getLong();
    if (kind == KIND_STATUS) {
      CollectorStatus status = CollectorStatus.values()[in.get() & 0xff];
      return Batch.ofStatus(seq, acceptedAt, status, readString(in));
    }
    if (kind != KIND_SAMPLES) {
      throw new IllegalArgumentException("unknown batch kind " + kind);
    }
    int tagCount = (int) readVarint(in);
    String[] tags = new String[tagCount];
    for (int i = 0; i < tagCount; i++) {
      tags[i] = readString(in);
    }
    int count = (int) readVarint(in);
    long ts = in.getLong();
    List<Sample> samples = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String tag = tags[(int) readVarint(in)];
      ts += unzigzag(readVarint(in));
      double value = in.getDouble();
      int quality = in.get() & 0xff;
      samples.add(new Sample(tag, ts, value, quality));
    }
    return Batch.ofSamples(seq, acceptedAt, samples);
  }

  /** Number of samples in an encoded batch, read from its header without decoding the samples. */
  public static int sampleCount(byte[] blob) {
    ByteBuffer in = ByteBuffer.wrap(blob);
    in.get();
    int kind = in.get() & 0xff;
    if (kind != KIND_SAMPLES) {
      return 0;
    }
    in.getLong();
    int tagCount = (int) readVarint(in);
    for (int i = 0; i < tagCount; i++) {
      int len = (int) readVarint(in);
      in.position(in.position() + len);
    }
    return (int) readVarint(in);
  }

  /** CRC32C of the encoded bytes: what replicas compare, and what the digest is built from. */
  public static long checksum(byte[] blob) {
    CRC32C crc = new CRC32C();
    crc.update(blob, 0, blob.length);
    return crc.getValue();
  }

  private static void writeLong(ByteArrayOutputStream out, long v) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (v >>> shift));
    }
  }

  private static void writeString(ByteArrayOutputStream out, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    writeVarint(out, bytes.length);
    out.write(bytes, 0, bytes.length);
  }

  private static String readString(ByteBuffer in) {
    int len = (int) readVarint(in);
    String s = new String(in.array(), in.arrayOffset() + in.position(), len, StandardCharsets.UTF_8);
    in.position(in.position() + len);
    return s;
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static long readVarint(ByteBuffer in) {
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

  private static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }
}
