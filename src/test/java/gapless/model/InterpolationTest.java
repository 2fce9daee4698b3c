package gapless.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import gapless.model.Interpolation.Point;
import java.util.List;
import org.junit.jupiter.api.Test;

class InterpolationTest {

  private static Sample s(long ts, double v) {
    return new Sample("T", ts, v, 192);
  }

  @Test
  void linearBetweenTheSamplesOnEitherSideAndExactOnASample() {
    List<Sample> samples = List.of(s(100, 10), s(200, 20), s(200, 22), s(400, 2));
    assertEquals(List.of(new Point(100, 10), new Point(150, 15), new Point(200, 22), new Point(250, 17), new Point(300, 12),
        new Point(350, 7), new Point(400, 2)), Interpolation.at(samples, List.of(), 100, 400, 50));
  }

  @Test
  void nothingBeforeTheFirstSampleOrAfterTheLast() {
    List<Sample> samples = List.of(s(100, 10), s(200, 20));
    assertEquals(List.of(new Point(100, 10), new Point(160, 16)), Interpolation.at(samples, List.of(), 40, 280, 60));
    assertEquals(List.of(), Interpolation.at(List.of(), List.of(), 0, 1000, 10));
  }

  @Test
  void neverAcrossAStoppedInterval() {
    List<Sample> samples = List.of(s(100, 10), s(200, 20), s(600, 60), s(700, 70));
    List<StopInterval> stops = List.of(new StopInterval(250, 550L, "maintenance", 7));
    assertEquals(List.of(new Point(100, 10), new Point(200, 20), new Point(600, 60), new Point(700, 70)),
        Interpolation.at(samples, stops, 100, 700, 100));
    // Still stopped (open interval): nothing after the stop's start is bridged.
    assertEquals(List.of(new Point(100, 10), new Point(150, 15), new Point(200, 20)),
        Interpolation.at(List.of(s(100, 10), s(200, 20), s(900, 90)), List.of(new StopInterval(300, null, "off", 9)), 100, 800, 50));
  }

  @Test
  void aStepBelowOneMsIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Interpolation.at(List.of(), List.of(), 0, 10, 0));
  }
}
