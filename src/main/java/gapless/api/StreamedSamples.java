package gapless.api;

import akka.NotUsed;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.MediaType;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.ResponseEntity;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import gapless.api.dto.ColumnAnswers;
import gapless.api.dto.QueryAnswer;
import gapless.api.dto.TagResults;
import gapless.model.BatchCodec;
import gapless.model.Sample;
import gapless.replica.ReplicaProtocol.SampleAnswer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Raw answers ({@link QueryAnswer}: up to {@code query.max-samples} samples a tag, about 75 bytes
 * of JSON each; up to 100 tags in one request) as a chunked body, written a slice of samples at a
 * time as the connection takes them. Each tag's samples are decoded only when its turn comes, so a
 * node holds one tag's samples and one slice of text, not 5 million samples and their text (which
 * took a gateway with 512 MB of heap down), and the client reads the first samples while the node
 * writes the last. The bytes are those of the whole answer written at once ({@link Json#writeBytes}).
 */
final class StreamedSamples {

  /** Samples per chunk: about 150 KB of JSON. */
  static final int SLICE = 2000;

  private static final ByteString COMMA = ByteString.fromString(",");
  private static final MediaType.Binary BINARY =
      MediaTypes.customBinary("application", ColumnAnswers.MEDIA_TYPE.substring("application/".length()), false);

  private StreamedSamples() {}

  /** One tag: its {@link QueryAnswer}; several: a {@link TagResults} of them, in the order asked. */
  static ResponseEntity json(String collector, List<SampleAnswer> answers) {
    // One tag is decoded before the 200 goes out, so a failure to decode it is still an error answer.
    Source<ByteString, NotUsed> body = answers.size() == 1 ? source(Json.query(answers.get(0)))
        // flatMapConcat makes a tag's source, and so decodes it, only when the tag before it is written.
        : around(Json.writeBytes(new TagResults(collector, List.of())), "results", Source.from(answers).zipWithIndex()
            .flatMapConcat(p -> (p.second() == 0 ? Source.<ByteString>empty() : Source.single(COMMA)).concat(source(Json.query(p.first())))));
    return HttpEntities.createChunked(ContentTypes.APPLICATION_JSON, body);
  }

  /** Every tag's answer as a {@link ColumnAnswers} frame, each made when its turn comes. */
  static ResponseEntity binary(List<SampleAnswer> answers) {
    // As for JSON, the first tag is encoded before the 200 goes out.
    ByteString first = ByteString.fromArrayUnsafe(ColumnAnswers.head(answers.size())).concat(frame(answers.get(0)));
    Source<ByteString, NotUsed> body = Source.single(first)
        .concat(Source.from(answers.subList(1, answers.size())).map(StreamedSamples::frame));
    return HttpEntities.createChunked(ContentTypes.create(BINARY), body);
  }

  /** One tag's frame, its samples read from the replica's encoding into columns without a {@link Sample} each. */
  private static ByteString frame(SampleAnswer a) {
    byte[] fields = Json.writeBytes(new QueryAnswer(a.collector(), a.tag(), a.node(), List.of(), Json.gaps(a.gaps()), a.truncated()));
    int count = BatchCodec.sampleCount(a.encodedSamples());
    long[] ts = new long[count];
    double[] values = new double[count];
    byte[] quality = new byte[count];
    int[] next = {0};
    if (count > 0) {
      BatchCodec.visitSamples(a.encodedSamples(), (tag, t, v, q) -> {
        int i = next[0]++;
        ts[i] = t;
        values[i] = v;
        quality[i] = (byte) q;
      });
    }
    return ByteString.fromArrayUnsafe(ColumnAnswers.frame(fields, count, ts, values, quality));
  }

  /** Every tag's samples as CSV lines ({@link Csv#samples}), one header first. */
  static ResponseEntity csv(List<SampleAnswer> answers) {
    Source<ByteString, NotUsed> lines = Source.from(answers)
        .flatMapConcat(a -> slices(a.decodeSamples(), slice -> ByteString.fromString(Csv.sampleLines(slice), StandardCharsets.UTF_8)));
    return HttpEntities.createChunked(ContentTypes.TEXT_CSV_UTF8, Source.single(ByteString.fromString(Csv.SAMPLES_HEADER)).concat(lines));
  }

  /** {@code answer}'s JSON: what comes before its samples, the samples in slices, then the rest. */
  static Source<ByteString, NotUsed> source(QueryAnswer answer) {
    byte[] frame = Json.writeBytes(new QueryAnswer(answer.collector(), answer.tag(), answer.node(), List.of(), answer.gaps(),
        answer.truncated()));
    Source<ByteString, NotUsed> samples = slices(answer.samples(), slice -> {
      byte[] array = Json.writeBytes(slice);
      // The slice's own brackets are dropped: the answer's array holds every slice.
      return ByteString.fromArrayUnsafe(array, 1, array.length - 2);
    }).zipWithIndex().map(p -> p.second() == 0 ? p.first() : COMMA.concat(p.first()));
    return around(frame, "samples", samples);
  }

  /**
   * {@code frame}, the JSON of a record whose array field {@code field} is empty and not its first
   * field, with {@code elements} streamed into that array. Inside a JSON string a quote is always
   * escaped, so {@code ,"field":[]} matches nothing else.
   */
  private static Source<ByteString, NotUsed> around(byte[] frame, String field, Source<ByteString, NotUsed> elements) {
    byte[] empty = (",\"" + field + "\":[]").getBytes(StandardCharsets.UTF_8);
    int at = indexOf(frame, empty);
    if (at < 0) {
      throw new IllegalStateException("no " + field + " field in " + new String(frame, StandardCharsets.UTF_8));
    }
    int open = at + empty.length - 1;
    return Source.single(ByteString.fromArray(frame, 0, open))
        .concat(elements)
        .concat(Source.single(ByteString.fromArray(frame, open, frame.length - open)));
  }

  /** {@code samples}, {@link #SLICE} at a time, each slice made into bytes by {@code text} as the stream asks for it. */
  private static Source<ByteString, NotUsed> slices(List<Sample> samples, Function<List<Sample>, ByteString> text) {
    return Source.fromIterator(() -> new Iterator<>() {
      private int next;

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
        ByteString slice = text.apply(samples.subList(next, to));
        next = to;
        return slice;
      }
    });
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
