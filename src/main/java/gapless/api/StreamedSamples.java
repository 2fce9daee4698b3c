package gapless.api;

import akka.NotUsed;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.ResponseEntity;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import gapless.api.dto.QueryAnswer;
import gapless.model.Sample;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A one-tag raw answer ({@link QueryAnswer}, up to {@code query.max-samples} samples, about 75
 * bytes of JSON each) as a chunked body, its samples written a slice at a time as the connection
 * takes them: the client reads the first samples while the node still writes the last, instead of
 * both taking turns over a 4 MB body, and the node never holds the whole text. The bytes are those
 * of the whole answer written at once.
 */
final class StreamedSamples {

  /** Samples per chunk: about 150 KB of JSON. */
  static final int SLICE = 2000;

  /**
   * Where the samples go in the answer written without them. Not the first field, so a comma comes
   * before it, and inside a JSON string a quote is always escaped: nothing else matches.
   */
  private static final byte[] EMPTY_SAMPLES = ",\"samples\":[]".getBytes(StandardCharsets.UTF_8);
  private static final ByteString COMMA = ByteString.fromString(",");

  private StreamedSamples() {}

  static ResponseEntity entity(QueryAnswer answer) {
    return HttpEntities.createChunked(ContentTypes.APPLICATION_JSON, source(answer));
  }

  /** The answer's JSON: what comes before its samples, the samples in slices, then the rest. */
  static Source<ByteString, NotUsed> source(QueryAnswer answer) {
    byte[] frame = Json.writeBytes(new QueryAnswer(answer.collector(), answer.tag(), answer.node(), List.of(), answer.gaps(),
        answer.truncated()));
    int at = indexOf(frame, EMPTY_SAMPLES);
    if (at < 0) {
      throw new IllegalStateException("no samples field in a written query answer");
    }
    int open = at + EMPTY_SAMPLES.length - 1;
    ByteString head = ByteString.fromArray(frame, 0, open);
    ByteString tail = ByteString.fromArray(frame, open, frame.length - open);
    List<Sample> samples = answer.samples();
    return Source.single(head)
        .concat(Source.fromIterator(() -> new Slices(samples)))
        .concat(Source.single(tail));
  }

  /** The samples, {@link #SLICE} at a time, each slice the comma-separated objects (a comma first after the first slice). */
  private static final class Slices implements Iterator<ByteString> {

    private final List<Sample> samples;
    private int next;

    Slices(List<Sample> samples) {
      this.samples = samples;
    }

    @Override
    public boolean hasNext() {
      return next < samples.size();
    }

    @Override
    public ByteString next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int to = Math.min(samples.size(), next + SLICE);
      byte[] array = Json.writeBytes(samples.subList(next, to));
      // The slice's own brackets are dropped: the answer's array holds every slice.
      ByteString objects = ByteString.fromArrayUnsafe(array, 1, array.length - 2);
      ByteString slice = next == 0 ? objects : COMMA.concat(objects);
      next = to;
      return slice;
    }
  }

  private static int indexOf(byte[] text, byte[] part) {
    outer:
    for (int i = 0; i + part.length <= text.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (text[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
