package gapless.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.javadsl.Sink;
import akka.util.ByteString;
import gapless.api.dto.GapReport;
import gapless.api.dto.QueryAnswer;
import gapless.model.Sample;
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
}
