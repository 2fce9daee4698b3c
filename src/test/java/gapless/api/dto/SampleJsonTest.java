package gapless.api.dto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import gapless.model.Sample;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SampleJsonTest {

  private static final ObjectMapper API = ApiJson.newMapper();
  /** Jackson's generic record path, which the contract's samples were written and read with before. */
  private static final ObjectMapper GENERIC = new ObjectMapper();
  private static final TypeReference<List<Sample>> SAMPLES = new TypeReference<>() {};

  @Test
  void writesAndReadsWhatTheGenericRecordPathDoes() throws IOException {
    SplittableRandom random = new SplittableRandom(3);
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      double value = switch (i % 4) {
        case 0 -> random.nextDouble() * 100;
        case 1 -> Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL);
        case 2 -> -random.nextInt(1000);
        default -> random.nextDouble() * 1e-300;
      };
      samples.add(new Sample("FIC-" + i % 7 + ".PV \u00e9\u201c", 1_767_225_600_000L + random.nextLong(1L << 40), value,
          random.nextInt(256)));
    }
    String written = API.writeValueAsString(samples);
    assertEquals(GENERIC.readTree(GENERIC.writeValueAsString(samples)), GENERIC.readTree(written));
    assertEquals(samples, API.readValue(written, SAMPLES));
    assertEquals(samples, GENERIC.readValue(written, SAMPLES));
  }

  @Test
  void readsFieldsInAnyOrderSkipsUnknownOnesAndCoercesAsJacksonDoes() throws IOException {
    String json = "[{\"quality\":192,\"extra\":{\"a\":[1,2]},\"value\":3,\"ts\":\"1000\",\"tag\":\"T\"},{\"tag\":\"U\"},{\"tag\":null}]";
    assertEquals(List.of(new Sample("T", 1000, 3.0, 192), new Sample("U", 0, 0.0, 0), new Sample(null, 0, 0.0, 0)),
        API.readValue(json, SAMPLES));
    assertThrows(JsonMappingException.class, () -> API.readValue("[[1,2]]", SAMPLES));
    assertThrows(JsonMappingException.class, () -> API.readValue("[{\"ts\":[1]}]", SAMPLES));
  }
}
