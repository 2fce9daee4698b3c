package gapless.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link CpuTimes}: a window between two readings, and its figures per unit of work. */
class CpuTimesTest {

  @Test
  void perUnitGivesEachProcessThenAll() {
    Map<String, Duration> earlier = new LinkedHashMap<>();
    earlier.put("s1", Duration.ofSeconds(10));
    earlier.put("gw1", Duration.ofSeconds(4));
    Map<String, Duration> later = new LinkedHashMap<>();
    later.put("s1", Duration.ofSeconds(13));
    later.put("gw1", Duration.ofMillis(5500));
    later.put("s2", Duration.ofSeconds(99));
    CpuTimes used = new CpuTimes(later).since(new CpuTimes(earlier));

    // s2 was not read the first time: left out.
    assertEquals("s1 1.0, gw1 0.5, all 1.5", used.per(3, 1));
    assertEquals("s1 3.0, gw1 1.5, all 4.5", used.per(1000, 1000));
  }
}
