package gapless.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.model.ResponseEntity;
import akka.stream.javadsl.Sink;
import akka.util.ByteString;
import gapless.api.dto.ApiJson;
import gapless.api.dto.ColumnAnswers;
import gapless.api.dto.GapReport;
import gapless.api.dto.QueryAnswer;
import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.Sample;
import gapless.model.StopInterval;
import gapless.replica.ReplicaProtocol;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StreamedSamplesTest {

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("StreamedSamplesTest");
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** Whatever the number of samples (none, one, a slice, a slice and one), the chunks add up to the answer written at once. */
  @Test
  void theChunksAreTheWholeAnswer() throws Exception {
    // A tag that holds the marker the samples are put at, as text: it is written escaped.
    String tag = "x,\"samples\":[]";
    for (int n : new int[] {0, 1, StreamedSamples.SLICE - 1, StreamedSamples.SLICE, StreamedSamples.SLICE + 1, 4500}) {
      List<Sample> samples = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        samples.add(new Sample(tag, 1_767_225_600_000L + i * 1000L, i / 7.0, 192));
      }
      QueryAnswer answer = new QueryAnswer("c1", tag, "s1", samples, List.of(new GapReport(5, 9L, "maintenance", 3)), n == 4500);
      List<ByteString> chunks = StreamedSamples.source(answer).runWith(Sink.seq(), testKit.system())
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      ByteString all = chunks.stream().reduce(ByteString.emptyByteString(), ByteString::concat);
      assertArrayEquals(Json.writeBytes(answer), all.toArray(), n + " samples");
      assertTrue(chunks.size() >= 2 + (n + StreamedSamples.SLICE - 1) / StreamedSamples.SLICE, n + " samples in " + chunks.size());
    }
  }

  /** Several tags, as JSON and as CSV: the same bytes as the answer written at once. */
  @Test
  void severalTagsStreamTheirAnswersOneAfterAnother() throws Exception {
    List<ReplicaProtocol.SampleAnswer> answers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      List<Sample> samples = new ArrayList<>();
      for (int i = 0; i < t * 1500; i++) {
        samples.add(new Sample("T" + t, 1_767_225_600_000L + i * 1000L, i / 3.0, 192));
      }
      answers.add(new ReplicaProtocol.SampleAnswer("s1", "c1", "T" + t, 7, BatchCodec.encode(Batch.ofSamples(0, 0, samples)),
          List.of(new StopInterval(5, 9L, "maintenance", 3)), t == 3));
    }
    byte[] whole = Json.writeBytes(Json.tags("c1", answers.stream().map(Json::query).toList()));
    assertArrayEquals(whole, bytes(StreamedSamples.json("c1", answers)));
    assertArrayEquals(Json.writeBytes(Json.query(answers.get(2))), bytes(StreamedSamples.json("c1", answers.subList(2, 3))));
    String csv = Csv.samples(answers.stream().flatMap(a -> a.decodeSamples().stream()).toList());
    assertEquals(csv, new String(bytes(StreamedSamples.csv(answers)), StandardCharsets.UTF_8));
  }

  /** Binary answers of several tags (none, some, truncated, with gaps) read back as the JSON answers. */
  @Test
  void binaryAnswersReadBackAsTheJsonAnswers() throws Exception {
    List<ReplicaProtocol.SampleAnswer> answers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      List<Sample> samples = new ArrayList<>();
      for (int i = 0; i < t * 1500; i++) {
        // Out of time order once: the columns carry negative differences too.
        long ts = 1_767_225_600_000L + (i == 7 ? -5000 : i * 1000L);
        samples.add(new Sample("T" + t, ts, i % 5 == 0 ? -i / 3.0 : Double.MAX_VALUE / (i + 1), i % 256));
      }
      answers.add(new ReplicaProtocol.SampleAnswer("s1", "c1", "T" + t, 7, BatchCodec.encode(Batch.ofSamples(0, 0, samples)),
          List.of(new StopInterval(5, 9L, "maintenance", 3)), t == 3));
    }
    ResponseEntity entity = StreamedSamples.binary(answers);
    assertEquals(ColumnAnswers.MEDIA_TYPE, entity.getContentType().mediaType().toString());
    List<QueryAnswer> read = ColumnAnswers.read(new ByteArrayInputStream(bytes(entity)), ApiJson.newMapper());
    assertEquals(answers.stream().map(Json::query).toList(), read);
  }

  private static byte[] bytes(ResponseEntity entity) throws Exception {
    return entity.getDataBytes().runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), testKit.system())
        .toCompletableFuture().get(10, TimeUnit.SECONDS).toArray();
  }
}
