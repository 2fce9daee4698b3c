package gapless.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gapless.client.GaplessClient;
import gapless.model.Sample;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SampleGeneratorTest {

  private static final long START = 1_732_400_000_000L;

  @Test
  void sameInputsGiveTheSameSamples() {
    List<Sample> a = SampleGenerator.batch("sim-0001", 7, 10, 100, 10, START);
    List<Sample> b = SampleGenerator.batch("sim-0001", 7, 10, 100, 10, START);
    assertEquals(1000, a.size());
    assertEquals(a, b);
  }

  @Test
  void collectorAndSeqChangeTheValues() {
    List<Sample> a = SampleGenerator.batch("sim-0001", 7, 5, 20, 10, START);
    List<Sample> otherCollector = SampleGenerator.batch("sim-0002", 7, 5, 20, 10, START);
    List<Sample> otherSeq = SampleGenerator.batch("sim-0001", 8, 5, 20, 10, START);
    assertNotEquals(values(a), values(otherCollector));
    assertNotEquals(values(a), values(otherSeq));
  }

  @Test
  void batchesOfOneCollectorNeverOverlapInTime() {
    Set<String> keys = new HashSet<>();
    for (long seq = 1; seq <= 20; seq++) {
      for (Sample s : SampleGenerator.batch("c", seq, 3, 50, 10, START)) {
        assertTrue(keys.add(s.tag() + "@" + s.ts()), "duplicate " + s);
      }
      assertEquals(START + (seq - 1) * 50 * 10, SampleGenerator.firstTs(seq, 50, 10, START));
      assertEquals(START + (seq * 50 - 1) * 10, SampleGenerator.lastTs(seq, 50, 10, START));
    }
  }

  @Test
  void tagSamplesAreTheBatchSamplesOfThatTag() {
    List<Sample> batch = SampleGenerator.batch("c", 3, 4, 25, 100, START);
    List<Sample> tag3 = new ArrayList<>();
    for (Sample s : batch) {
      if (s.tag().equals("T0003.PV")) {
        tag3.add(s);
      }
    }
    assertEquals(tag3, SampleGenerator.tagSamples("c", 3, 3, 25, 100, START));
  }

  @Test
  void qualityIsMostlyGoodAndValuesAreInRange() {
    List<Sample> batch = SampleGenerator.batch("c", 1, 10, 1000, 10, START);
    long good = batch.stream().filter(s -> s.quality() == 192).count();
    assertTrue(good > batch.size() * 0.9, "good: " + good);
    assertTrue(good < batch.size(), "some samples should not be good");
    assertTrue(batch.stream().allMatch(s -> s.value() >= 0 && s.value() < 1000));
  }

  @Test
  void jsonBodyRoundTripsExactly() throws Exception {
    List<Sample> batch = SampleGenerator.batch("c", 9, 3, 30, 10, START);
    ObjectMapper mapper = GaplessClient.newMapper();
    JsonNode root = mapper.readTree(SampleGenerator.jsonBody(batch));
    List<Sample> back = new ArrayList<>();
    for (JsonNode s : root.path("samples")) {
      back.add(mapper.treeToValue(s, Sample.class));
    }
    assertEquals(batch, back);
  }

  @Test
  void jsonBodyParsesBackToExactlyTheGeneratedSamples() {
    List<Sample> batch = SampleGenerator.batch("sim-0007", 42, 10, 100, 10, START);
    byte[] body = SampleGenerator.jsonBody(batch);
    assertEquals(batch, new gapless.collector.IngestParser(10_000).parseSamples(body));
    // Values that are not exact thousandths are written the slow, general way.
    List<Sample> odd = List.of(new Sample("T", 1, 0.1 + 0.2, 192), new Sample("T", 2, -1.5, 0), new Sample("T", 3, 1e-7, 1));
    assertEquals(odd, new gapless.collector.IngestParser(10).parseSamples(SampleGenerator.jsonBody(odd)));
  }

  private static List<Double> values(List<Sample> samples) {
    return samples.stream().map(Sample::value).toList();
  }
}
