package gapless.api.dto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import gapless.model.Sample;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnAnswersTest {

  private static final ObjectMapper MAPPER = ApiJson.newMapper();

  private static byte[] fields(String tag) throws IOException {
    return MAPPER.writeValueAsBytes(new QueryAnswer("c1", tag, "s2", List.of(), List.of(new GapReport(1, null, "stopped", 4)), true));
  }

  private static byte[] answer(byte[]... frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ColumnAnswers.head(frames.length));
    Arrays.stream(frames).forEach(out::writeBytes);
    return out.toByteArray();
  }

  private static byte[] twoSamples() throws IOException {
    return ColumnAnswers.frame(fields("T"), 2, new long[] {1_000, 900}, new double[] {1.5, -2}, new byte[] {(byte) 192, 0});
  }

  @Test
  void framesReadBackAsAnswers() throws IOException {
    byte[] empty = ColumnAnswers.frame(fields("E"), 0, new long[0], new double[0], new byte[0]);
    List<QueryAnswer> read = ColumnAnswers.read(new ByteArrayInputStream(answer(twoSamples(), empty)), MAPPER);
    assertEquals(List.of(
        new QueryAnswer("c1", "T", "s2", List.of(new Sample("T", 1_000, 1.5, 192), new Sample("T", 900, -2, 0)),
            List.of(new GapReport(1, null, "stopped", 4)), true),
        new QueryAnswer("c1", "E", "s2", List.of(), List.of(new GapReport(1, null, "stopped", 4)), true)), read);
  }

  @Test
  void anAnswerOutOfShapeSaysWhere() throws IOException {
    byte[] whole = answer(twoSamples());
    assertRefused("starts with \"GLA\"", "{\"collector\":\"c1\"}".getBytes(StandardCharsets.UTF_8));
    byte[] otherVersion = whole.clone();
    otherVersion[3] = 2;
    assertRefused("version 2 is not known here", otherVersion);
    assertRefused("ends early, in tags[0]", Arrays.copyOf(whole, whole.length - 1));
    assertRefused("ends early, in tagCount", Arrays.copyOf(whole, 4));
    assertRefused("bytes after the last tag", Arrays.copyOf(whole, whole.length + 1));
    // A frame whose sample count is more than its bytes can hold.
    byte[] json = fields("T");
    byte[] lying = ColumnAnswers.frame(json, 0, new long[0], new double[0], new byte[0]);
    lying[lying.length - 1] = 100;
    assertRefused("tags[0] is out of shape", answer(lying));
  }

  private static void assertRefused(String why, byte[] body) {
    IOException e = assertThrows(IOException.class, () -> ColumnAnswers.read(new ByteArrayInputStream(body), MAPPER));
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }
}
