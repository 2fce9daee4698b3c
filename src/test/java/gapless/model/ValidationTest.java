package gapless.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.Normalizer;
import org.junit.jupiter.api.Test;

class ValidationTest {

  @Test
  void collectorIdCheckAgreesWithItsPatternOnEveryChar() {
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      String s = "a" + (char) c + "b";
      assertEquals(Validation.COLLECTOR_ID.matcher(s).matches(), Validation.isCollectorId(s), "collector id with char " + c);
    }
  }

  @Test
  void collectorIdCheckAgreesWithItsPatternOnLength() {
    for (int n = 0; n <= 70; n++) {
      String s = "x".repeat(n);
      assertEquals(Validation.COLLECTOR_ID.matcher(s).matches(), Validation.isCollectorId(s), "collector id of length " + n);
    }
  }

  @Test
  void tagsArePrintableUnicode() {
    for (String tag : new String[] {"FIC101.PV", "温度", "Reactor 1 Temp", "Ofen-Temperatur °C", "压力/反应器#2", "Δp", "🌡️ line 3",
        "a:b/c", "x".repeat(256)}) {
      assertTrue(Validation.isTag(tag), tag);
    }
  }

  @Test
  void tagsRefuseControlCharactersUnpairedSurrogatesAndUnassignedCodePoints() {
    for (String tag : new String[] {"", "a\u0000b", "line\nbreak", "tab\there", "del\u007f", "c1\u0085", "ls\u2028", "ps\u2029",
        "\ud800 alone", "alone \udc00", "unassigned \u0378", "温度\u0001"}) {
      assertFalse(Validation.isTag(tag), tag);
    }
  }

  @Test
  void tagsMustBeInNfc() {
    String decomposed = Normalizer.normalize("Größe", Normalizer.Form.NFD);
    assertFalse(Validation.isTag(decomposed));
    assertTrue(Validation.isTag(Normalizer.normalize(decomposed, Normalizer.Form.NFC)));
  }

  @Test
  void tagsHoldAtMost256BytesOfUtf8() {
    assertTrue(Validation.isTag("温".repeat(85)));   // 255 bytes
    assertFalse(Validation.isTag("温".repeat(86)));  // 258 bytes in 86 chars
    assertFalse(Validation.isTag("x".repeat(257)));
    assertTrue(Validation.isTag("😀".repeat(64)));   // 256 bytes, 128 chars
    assertFalse(Validation.isTag("😀".repeat(64) + "x"));
  }
}
