package gapless.model;

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
 *
 * <p>Version 2 is version 1 with the request's {@code Idempotency-Key} ({@code key:str}) after
 * {@code acceptedAt}. A batch sent without a key is written as version 1, byte for byte as before.
 * The key travels inside the blob so that every copy of the batch (replicas, recovery, the
 * gateway's disk buffer) carries it, and a replica indexes it in the same write as the batch.
 *
 * <p>Versions 3 and 4 are versions 1 and 2 followed by {@code crc:u32}, the CRC32C of every byte
 * before it: written by the gateway that took the request, checked by each replica before it
 * stores the batch and by a recovery before it stores a copy ({@link #intact}), so a batch damaged
 * anywhere between (memory, disk, a bug) is never stored as if it were what the client sent. New
 * batches are written as 3 or 4; 1 and 2 (stored before) are still read, with nothing to check.
 */
public final class BatchCodec {

  public static final int VERSION = 3;
  private static final int VERSION_WITH_KEY = 4;
  private static final int OLD_VERSION = 1;
  private static final int OLD_VERSION_WITH_KEY = 2;
  private static final int CRC_BYTES = 4;
  /** version, kind, acceptedAt: what every version starts with. */
  private static final int HEADER_BYTES = 10;
  private static final int KIND_SAMPLES = 0;
  private static final int KIND_STATUS = 1;

  private BatchCodec() {}

  public static byte[] encode(Batch batch) {
    return encode(batch, "");
  }

  /** Encodes {@code batch} as sent with {@code idempotencyKey} (empty: none). */
  public static byte[] encode(Batch batch, String idempotencyKey) {
    byte[] key = idempotencyKey.getBytes(StandardCharsets.UTF_8);
    int keyBytes = key.length == 0 ? 0 : Varints.MAX_BYTES + key.length;
    if (batch.isStatusChange()) {
      byte[] reason = batch.reason().getBytes(StandardCharsets.UTF_8);
      ByteBuffer out = ByteBuffer.allocate(11 + keyBytes + Varints.MAX_BYTES + reason.length + CRC_BYTES);
      putHeader(out, KIND_STATUS, batch.acceptedAt(), key);
      out.put((byte) batch.status().code());
      putBytes(out, reason);
      return toArray(out);
    }
    List<Sample> samples = batch.samples();
    Map<String, Integer> tagIndex = new HashMap<>();
    List<byte[]> tags = new ArrayList<>();
    int tagBytes = 0;
    for (Sample s : samples) {
      if (tagIndex.putIfAbsent(s.tag(), tags.size()) == null) {
        byte[] tag = s.tag().getBytes(StandardCharsets.UTF_8);
        tags.add(tag);
        tagBytes += tag.length + Varints.MAX_BYTES;
      }
    }
    ByteBuffer out = ByteBuffer.allocate(10 + keyBytes + 2 * Varints.MAX_BYTES + 8 + tagBytes
        + samples.size() * (2 * Varints.MAX_BYTES + 9) + CRC_BYTES);
    putHeader(out, KIND_SAMPLES, batch.acceptedAt(), key);
    Varints.put(out, tags.size());
    tags.forEach(tag -> putBytes(out, tag));
    Varints.put(out, samples.size());
    long prevTs = samples.isEmpty() ? 0 : samples.get(0).ts();
    out.putLong(prevTs);
    for (Sample s : samples) {
      Varints.put(out, tagIndex.get(s.tag()));
      Varints.put(out, Varints.zigzag(s.ts() - prevTs));
      prevTs = s.ts();
      out.putDouble(s.value());
      out.put((byte) s.quality());
    }
    return toArray(out);
  }

  public static Batch decode(long seq, byte[] blob) {
    ByteBuffer in = ByteBuffer.wrap(blob);
    int kind = blob[1] & 0xff;
    long acceptedAt = acceptedAt(blob);
    in.position(bodyOffset(blob));
    if (kind == KIND_STATUS) {
      CollectorStatus status = CollectorStatus.fromCode(in.get() & 0xff);
      return Batch.ofStatus(seq, acceptedAt, status, readString(in));
    }
    if (kind != KIND_SAMPLES) {
      throw new IllegalArgumentException("unknown batch kind " + kind);
    }
    int tagCount = (int) Varints.get(in);
    String[] tags = new String[tagCount];
    for (int i = 0; i < tagCount; i++) {
      tags[i] = readString(in);
    }
    // The same walk as visitSamples, in a loop of its own: queries decode up to 50,000 samples an
    // answer here, and through the visitor (or a cursor object) it took a fifth longer on C1.
    int count = (int) Varints.get(in);
    long ts = in.getLong();
    List<Sample> samples = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String tag = tags[(int) Varints.get(in)];
      ts += Varints.unzigzag(Varints.get(in));
      samples.add(new Sample(tag, ts, in.getDouble(), in.get() & 0xff));
    }
    return Batch.ofSamples(seq, acceptedAt, samples);
  }

  /** Where {@link #visitSamples} hands each sample, without a {@link Sample} object. */
  @FunctionalInterface
  public interface SampleVisitor {
    /** One sample; {@code tag} is its tag's index in {@link #tags}. */
    void sample(int tag, long ts, double value, int quality);
  }

  /** The tags of an encoded sample batch, in the order its samples index them. */
  public static String[] tags(byte[] blob) {
    ByteBuffer in = samplesBody(blob);
    String[] tags = new String[(int) Varints.get(in)];
    for (int i = 0; i < tags.length; i++) {
      tags[i] = readString(in);
    }
    return tags;
  }

  /** Visits the samples of an encoded sample batch in batch order: the store indexes them this way. */
  public static void visitSamples(byte[] blob, SampleVisitor visitor) {
    ByteBuffer in = samplesBody(blob);
    int tagCount = (int) Varints.get(in);
    for (int i = 0; i < tagCount; i++) {
      int len = (int) Varints.get(in);
      in.position(in.position() + len);
    }
    int count = (int) Varints.get(in);
    long ts = in.getLong();
    for (int i = 0; i < count; i++) {
      int tag = (int) Varints.get(in);
      ts += Varints.unzigzag(Varints.get(in));
      visitor.sample(tag, ts, in.getDouble(), in.get() & 0xff);
    }
  }

  private static ByteBuffer samplesBody(byte[] blob) {
    int kind = blob[1] & 0xff;
    if (kind != KIND_SAMPLES) {
      throw new IllegalArgumentException(kind == KIND_STATUS ? "a status change has no samples" : "unknown batch kind " + kind);
    }
    ByteBuffer in = ByteBuffer.wrap(blob);
    in.position(bodyOffset(blob));
    return in;
  }

  /** Whether an encoded batch is a collector status change, read from its header. */
  public static boolean isStatusChange(byte[] blob) {
    return blob.length > 1 && (blob[1] & 0xff) == KIND_STATUS;
  }

  /** Number of samples in an encoded batch, read from its header without decoding the samples. */
  public static int sampleCount(byte[] blob) {
    if ((blob[1] & 0xff) != KIND_SAMPLES) {
      return 0;
    }
    ByteBuffer in = ByteBuffer.wrap(blob);
    in.position(bodyOffset(blob));
    int tagCount = (int) Varints.get(in);
    for (int i = 0; i < tagCount; i++) {
      int len = (int) Varints.get(in);
      in.position(in.position() + len);
    }
    return (int) Varints.get(in);
  }

  /** CRC32C of the encoded bytes: what replicas compare, and what the digest is built from. */
  public static long checksum(byte[] blob) {
    return crc(blob, 0, blob.length);
  }

  /** When the batch was accepted (epoch ms), read from its header. */
  public static long acceptedAt(byte[] blob) {
    return ByteBuffer.wrap(blob, 2, 8).getLong();
  }

  /** The {@code Idempotency-Key} the batch was sent with, read from its header; empty when none. */
  public static String idempotencyKey(byte[] blob) {
    if (!hasKey(blob)) {
      return "";
    }
    ByteBuffer in = ByteBuffer.wrap(blob);
    in.position(HEADER_BYTES);
    return readString(in);
  }

  /**
   * CRC32C of what the client sent (kind, then samples or status), leaving out when the batch was
   * accepted and its key: a retried request with the same body has the same content checksum,
   * though the gateway encoded it again.
   */
  public static long contentChecksum(byte[] blob) {
    CRC32C crc = new CRC32C();
    crc.update(blob[1]);
    int body = bodyOffset(blob);
    crc.update(blob, body, end(blob) - body);
    return crc.getValue();
  }

  /** Where the status or the samples start: after the version's header. */
  private static int bodyOffset(byte[] blob) {
    if (!hasKey(blob)) {
      return HEADER_BYTES;
    }
    ByteBuffer in = ByteBuffer.wrap(blob);
    in.position(HEADER_BYTES);
    int len = (int) Varints.get(in);
    return in.position() + len;
  }

  /** Whether the version has a key after the header; an unknown version is refused. */
  private static boolean hasKey(byte[] blob) {
    int version = blob[0] & 0xff;
    return switch (version) {
      case OLD_VERSION, VERSION -> false;
      case OLD_VERSION_WITH_KEY, VERSION_WITH_KEY -> true;
      default -> throw new IllegalArgumentException("unknown batch encoding version " + version);
    };
  }

  private static void putHeader(ByteBuffer out, int kind, long acceptedAt, byte[] key) {
    out.put((byte) (key.length == 0 ? VERSION : VERSION_WITH_KEY)).put((byte) kind).putLong(acceptedAt);
    if (key.length > 0) {
      putBytes(out, key);
    }
  }

  private static String readString(ByteBuffer in) {
    int len = (int) Varints.get(in);
    String s = new String(in.array(), in.arrayOffset() + in.position(), len, StandardCharsets.UTF_8);
    in.position(in.position() + len);
    return s;
  }

  private static void putBytes(ByteBuffer out, byte[] bytes) {
    Varints.put(out, bytes.length);
    out.put(bytes);
  }

  /** The bytes written so far, then their CRC32C. */
  private static byte[] toArray(ByteBuffer out) {
    int length = out.position();
    byte[] bytes = new byte[length + CRC_BYTES];
    out.flip().get(bytes, 0, length);
    ByteBuffer.wrap(bytes, length, CRC_BYTES).putInt((int) crc(bytes, 0, length));
    return bytes;
  }

  /**
   * True when {@code blob} is as the gateway encoded it: its trailing CRC32C matches. A blob of
   * version 1 or 2 has no CRC and is taken as it is; one too short or of an unknown version is not intact.
   */
  public static boolean intact(byte[] blob) {
    if (blob == null || blob.length < HEADER_BYTES) {
      return false;
    }
    int version = blob[0] & 0xff;
    if (version == OLD_VERSION || version == OLD_VERSION_WITH_KEY) {
      return true;
    }
    if (version != VERSION && version != VERSION_WITH_KEY || blob.length < HEADER_BYTES + CRC_BYTES) {
      return false;
    }
    int end = blob.length - CRC_BYTES;
    return ByteBuffer.wrap(blob, end, CRC_BYTES).getInt() == (int) crc(blob, 0, end);
  }

  private static long crc(byte[] bytes, int from, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, from, length);
    return crc.getValue();
  }

  /** Where the encoded batch ends: before its CRC, when it has one. */
  private static int end(byte[] blob) {
    int version = blob[0] & 0xff;
    return version == OLD_VERSION || version == OLD_VERSION_WITH_KEY ? blob.length : blob.length - CRC_BYTES;
  }
}
