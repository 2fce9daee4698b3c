package gapless.api.dto;

import com.fasterxml.jackson.databind.ObjectMapper;
import gapless.model.Sample;
import gapless.model.Varints;
import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw query answers in binary ({@code format=binary}, {@value #MEDIA_TYPE}): per tag, its answer's
 * fields as the JSON answer has them and its samples as columns, laid out as a binary ingest body
 * carries them ({@link gapless.model.SampleColumns}). About 10 bytes a sample against about 75 of
 * JSON, read back without parsing text or numbers: for exports and bulk reads.
 *
 * <p>Version 1 layout. Integers are big-endian; varints are LEB128 ({@link Varints}):
 * <pre>
 *   magic "GLA" (3 bytes), version:u8 (= 1), tagCount:varint, then per tag, in the order asked, a frame:
 *     length:  varint, the bytes of the rest of the frame
 *     answer:  length:varint, UTF-8 JSON of the tag's {@link QueryAnswer} with no samples
 *              (collector, tag, node, gaps, truncated)
 *     count:   varint (0 when the tag has no sample in the range)
 *     ts:      if count > 0, the first as a zigzag varint, then count - 1 zigzag-varint differences to the one before
 *     values:  count x f64 (IEEE 754)
 *     quality: count x u8
 * </pre>
 * The samples are in time order, as in the JSON answer.
 */
public final class ColumnAnswers {

  public static final String MEDIA_TYPE = "application/vnd.gapless.answer";
  public static final int VERSION = 1;
  private static final byte[] MAGIC = {'G', 'L', 'A'};

  private ColumnAnswers() {}

  /** What comes before the frames of {@code tags} tags. */
  public static byte[] head(int tags) {
    ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 1 + Varints.MAX_BYTES);
    out.put(MAGIC).put((byte) VERSION);
    Varints.put(out, tags);
    return bytes(out);
  }

  /** One tag's frame: {@code answerJson} (its answer without samples) and its first {@code count} samples. */
  public static byte[] frame(byte[] answerJson, int count, long[] ts, double[] values, byte[] quality) {
    int most = 3 * Varints.MAX_BYTES + answerJson.length + count * (Varints.MAX_BYTES + 9);
    ByteBuffer rest = ByteBuffer.allocate(most);
    Varints.put(rest, answerJson.length);
    rest.put(answerJson);
    Varints.put(rest, count);
    long prev = 0;
    for (int i = 0; i < count; i++) {
      Varints.put(rest, Varints.zigzag(ts[i] - prev));
      prev = ts[i];
    }
    for (int i = 0; i < count; i++) {
      rest.putDouble(values[i]);
    }
    rest.put(quality, 0, count);
    ByteBuffer out = ByteBuffer.allocate(Varints.MAX_BYTES + rest.position());
    Varints.put(out, rest.position());
    out.put(rest.flip());
    return bytes(out);
  }

  /**
   * Reads a whole answer from {@code in}, a frame at a time as it arrives: one {@link QueryAnswer}
   * per tag, in the order asked. A body out of shape is an IOException saying where.
   */
  public static List<QueryAnswer> read(InputStream in, ObjectMapper mapper) throws IOException {
    byte[] head = in.readNBytes(MAGIC.length + 1);
    if (head.length < MAGIC.length + 1 || head[0] != MAGIC[0] || head[1] != MAGIC[1] || head[2] != MAGIC[2]) {
      throw new IOException("a " + MEDIA_TYPE + " answer starts with \"GLA\" and a version byte");
    }
    if ((head[3] & 0xff) != VERSION) {
      throw new IOException(MEDIA_TYPE + " version " + (head[3] & 0xff) + " is not known here; this client reads version " + VERSION);
    }
    long tags = varint(in, "tagCount");
    List<QueryAnswer> answers = new ArrayList<>();
    for (int t = 0; t < tags; t++) {
      long length = varint(in, "tags[" + t + "] length");
      byte[] frame = in.readNBytes((int) Math.min(length, Integer.MAX_VALUE));
      if (frame.length != length) {
        throw new IOException("the answer ends early, in tags[" + t + "]");
      }
      try {
        answers.add(readFrame(ByteBuffer.wrap(frame), mapper));
      } catch (BufferUnderflowException | IllegalArgumentException e) {
        throw new IOException("tags[" + t + "] is out of shape: " + (e.getMessage() == null ? "it ends early" : e.getMessage()));
      }
    }
    if (in.read() != -1) {
      throw new IOException("bytes after the last tag of the answer");
    }
    return answers;
  }

  private static QueryAnswer readFrame(ByteBuffer in, ObjectMapper mapper) throws IOException {
    byte[] json = new byte[count(in, 1)];
    in.get(json);
    QueryAnswer fields = mapper.readValue(json, QueryAnswer.class);
    // Each sample takes 9 bytes at least besides its time: a count the frame cannot hold allocates nothing.
    int count = count(in, 9);
    long[] ts = new long[count];
    long prev = 0;
    for (int i = 0; i < count; i++) {
      prev += Varints.unzigzag(Varints.get(in));
      ts[i] = prev;
    }
    List<Sample> samples = new ArrayList<>(count);
    int qualities = in.position() + count * 8;
    for (int i = 0; i < count; i++) {
      samples.add(new Sample(fields.tag(), ts[i], in.getDouble(), in.get(qualities + i) & 0xff));
    }
    in.position(qualities + count);
    if (in.hasRemaining()) {
      throw new IllegalArgumentException(in.remaining() + " bytes after its samples");
    }
    return new QueryAnswer(fields.collector(), fields.tag(), fields.node(), samples, fields.gaps(), fields.truncated());
  }

  /** A varint count of things that take at least {@code each} bytes of what is left. */
  private static int count(ByteBuffer in, int each) {
    long n = Varints.get(in);
    if (n < 0 || n * each > in.remaining()) {
      throw new BufferUnderflowException();
    }
    return (int) n;
  }

  private static long varint(InputStream in, String what) throws IOException {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the answer ends early, in " + what);
      }
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new IOException("malformed varint in " + what);
  }

  private static byte[] bytes(ByteBuffer out) {
    byte[] bytes = new byte[out.position()];
    out.flip().get(bytes);
    return bytes;
  }
}
