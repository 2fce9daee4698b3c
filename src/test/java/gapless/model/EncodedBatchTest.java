package gapless.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class EncodedBatchTest {

  @Test
  void equalityComparesBlobContents() {
    EncodedBatch a = new EncodedBatch(1, new byte[] {1, 2, 3});
    EncodedBatch b = new EncodedBatch(1, new byte[] {1, 2, 3});
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, new EncodedBatch(2, new byte[] {1, 2, 3}));
    assertNotEquals(a, new EncodedBatch(1, new byte[] {1, 2, 4}));
  }
}
