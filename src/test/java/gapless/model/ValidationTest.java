package gapless.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ValidationTest {

  @Test
  void fastChecksAgreeWithThePatternsOnEveryChar() {
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      String s = "a" + (char) c + "b";
      assertEquals(Validation.TAG.matcher(s).matches(), Validation.isTag(s), "tag with char " + c);
      assertEquals(Validation.COLLECTOR_ID.matcher(s).matches(), Validation.isCollectorId(s), "collector id with char " + c);
    }
  }

  @Test
  void fastChecksAgreeWithThePatternsOnLength() {
    for (int n = 0; n <= 130; n++) {
      String s = "x".repeat(n);
      assertEquals(Validation.TAG.matcher(s).matches(), Validation.isTag(s), "tag of length " + n);
      assertEquals(Validation.COLLECTOR_ID.matcher(s).matches(), Validation.isCollectorId(s), "collector id of length " + n);
    }
  }
}
