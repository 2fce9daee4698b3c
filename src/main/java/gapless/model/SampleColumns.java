package gapless.model;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compact binary body of an ingest request ({@value #MEDIA_TYPE}): a batch's samples column
 * by column for each tag, as a collector holds them. About 10 bytes a sample against about 70 of
 * JSON, and read without parsing text.
 *
 * <p>Version 1 layout. Integers are big-endian; varints are LEB128 as in {@link BatchCodec}:
 * <pre>
 *   magic "GLS" (3 bytes), version:u8 (= 1), tagCount:varint (at least 1), then per tag:
 *     tag:     length:varint, UTF-8 bytes ({@link Validation#isTag})
 *     count:   varint (at least 1)
 *     ts:      the first as a varint, then count - 1 zigzag-varint differences to the one before
 *     values:  count x f64 (IEEE 754), finite
 *     quality: count x u8
 * </pre>
 * Nothing follows the last tag. A tag may come more than once. The samples are the tags' in body
 * order, each tag's in its own order; the same rules hold as for JSON: epoch ms in
 * [{@value Validation#MIN_TS}, {@value Validation#MAX_TS}], at most the batch limit in all.
 */
public final class SampleColumns {

  public static final String MEDIA_TYPE = "application/vnd.gapless.samples";
  public static final int VERSION = 1;
  private static final byte[] MAGIC = {'G', 'L', 'S'};

  private SampleColumns() {}

  /**
   * {@code samples} as a version 1 body, each tag's samples together in the order they come (tags in
   * order of first appearance); an IllegalArgumentException for what no gateway would take (no
   * sample, a quality out of 0..255, a value not finite).
   */
  public static byte[] encode(List<Sample> samples) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("a body holds at least one sample");
    }
    Map<String, List<Sample>> byTag = new LinkedHashMap<>();
    for (Sample s : samples) {
      if (s.quality() < 0 || s.quality() > 255 || !Double.isFinite(s.value())) {
        throw new IllegalArgumentException("quality must be 0..255 and the value finite: " + s);
      }
      byTag.computeIfAbsent(s.tag(), t -> new ArrayList<>()).add(s);
    }
    // At most: the header, per tag two varints and its name (3 UTF-8 bytes a char), per sample a varint, a double and a byte.
    int size = 4 + Varints.MAX_BYTES + byTag.keySet().stream().mapToInt(tag -> 2 * Varints.MAX_BYTES + 3 * tag.length()).sum();
    ByteBuffer out = ByteBuffer.allocate(size + samples.size() * (Varints.MAX_BYTES + 9));
    out.put(MAGIC).put((byte) VERSION);
    Varints.put(out, byTag.size());
    for (Map.Entry<String, List<Sample>> tag : byTag.entrySet()) {
      byte[] name = tag.getKey().getBytes(StandardCharsets.UTF_8);
      List<Sample> column = tag.getValue();
      Varints.put(out, name.length);
      out.put(name);
      Varints.put(out, column.size());
      long prev = column.get(0).ts();
      Varints.put(out, prev);
      for (int i = 1; i < column.size(); i++) {
        long ts = column.get(i).ts();
        Varints.put(out, Varints.zigzag(ts - prev));
        prev = ts;
      }
      column.forEach(s -> out.putDouble(s.value()));
      column.forEach(s -> out.put((byte) s.quality()));
    }
    byte[] body = new byte[out.position()];
    out.flip().get(body);
    return body;
  }

  /**
   * Reads a body, checking every rule of the layout and of the samples in it.
   *
   * @throws IllegalArgumentException with a one-line message for the client saying what is wrong and where
   */
  public static List<Sample> decode(byte[] body, int maxSamples) {
    ByteBuffer in = ByteBuffer.wrap(body);
    if (body.length < MAGIC.length + 1 || body[0] != MAGIC[0] || body[1] != MAGIC[1] || body[2] != MAGIC[2]) {
      throw new IllegalArgumentException("a " + MEDIA_TYPE + " body starts with \"GLS\" and a version byte");
    }
    in.position(MAGIC.length);
    int version = in.get() & 0xff;
    if (version != VERSION) {
      throw new IllegalArgumentException(MEDIA_TYPE + " version " + version + " is not known here; this gateway reads version " + VERSION);
    }
    List<Sample> out = new ArrayList<>();
    int tag = -1;
    try {
      long tags = count(in, "tagCount", maxSamples, maxSamples);
      for (tag = 0; tag < tags; tag++) {
        String name = tagName(in, tag);
        long n = count(in, "tags[" + tag + "].count", maxSamples - out.size(), maxSamples);
        readColumn(in, name, tag, (int) n, out);
      }
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("binary body ends early" + (tag < 0 ? "" : ", in tags[" + tag + "]"));
    }
    if (in.hasRemaining()) {
      throw new IllegalArgumentException(in.remaining() + " bytes after the last tag of the binary body");
    }
    return out;
  }

  private static void readColumn(ByteBuffer in, String name, int tag, int n, List<Sample> out) {
    // A sample takes 10 bytes at least (a varint, a double, a byte): a count the body cannot hold allocates nothing.
    if ((long) n * 10 > in.remaining()) {
      throw new BufferUnderflowException();
    }
    long[] times = new long[n];
    long ts = Varints.get(in);
    times[0] = checkTs(ts, tag, 0);
    for (int i = 1; i < n; i++) {
      ts += Varints.unzigzag(Varints.get(in));
      times[i] = checkTs(ts, tag, i);
    }
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = in.getDouble();
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException("tags[" + tag + "] value " + i + " must be a finite number, got " + values[i]);
      }
    }
    for (int i = 0; i < n; i++) {
      out.add(new Sample(name, times[i], values[i], in.get() & 0xff));
    }
  }

  private static long checkTs(long ts, int tag, int i) {
    if (ts < Validation.MIN_TS || ts > Validation.MAX_TS) {
      throw new IllegalArgumentException("tags[" + tag + "] ts " + i + " must be between " + Validation.MIN_TS + " and "
          + Validation.MAX_TS + " (epoch milliseconds), got " + ts);
    }
    return ts;
  }

  /** A varint count of at least 1; more than {@code left} samples would be over the batch's limit of {@code max}. */
  private static long count(ByteBuffer in, String what, long left, int max) {
    long n = Varints.get(in);
    if (n < 1) {
      throw new IllegalArgumentException(what + " must be at least 1");
    }
    if (n > left) {
      throw new IllegalArgumentException("more than " + max + " samples in one request, the most accepted");
    }
    return n;
  }

  private static String tagName(ByteBuffer in, int tag) {
    long length = Varints.get(in);
    if (length < 1 || length > Validation.TAG_MAX_BYTES) {
      throw new IllegalArgumentException("tags[" + tag + "] name must be " + Validation.TAG_RULE + ", got " + length + " bytes");
    }
    if (length > in.remaining()) {
      throw new BufferUnderflowException();
    }
    ByteBuffer bytes = in.slice(in.position(), (int) length);
    in.position(in.position() + (int) length);
    String name;
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes);
      name = chars.toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("tags[" + tag + "] name is not UTF-8");
    }
    if (!Validation.isTag(name)) {
      throw new IllegalArgumentException("tags[" + tag + "] name must be " + Validation.TAG_RULE);
    }
    return name;
  }
}
