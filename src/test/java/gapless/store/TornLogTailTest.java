package gapless.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.fusesource.leveldbjni.JniDBFactory.factory;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.stream.Stream;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.WriteOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real LevelDB log, torn the way a {@code kill -9} in the middle of a write tears it. */
class TornLogTailTest {

  @TempDir
  Path dir;

  @Test
  void aTornLastRecordIsCutOffAndEverySyncedWriteIsKept() throws IOException {
    writeSynced(5, 100);
    long clean = Files.size(log());
    // The header of a sixth record and part of its data, then the zeros of the mapped region.
    ByteBuffer torn = ByteBuffer.allocate(4000).order(ByteOrder.LITTLE_ENDIAN);
    torn.putInt(0x12345678).putShort((short) 900).put((byte) 1).put(new byte[300]);
    Arrays.fill(torn.array(), 7, 300, (byte) 'x');
    Files.write(log(), torn.array(), StandardOpenOption.APPEND);
    assertThrows(Exception.class, this::openAndClose, "LevelDB's paranoid open refuses the torn tail");

    assertEquals(4000, TornLogTail.cut(dir));

    assertEquals(clean, Files.size(log()));
    try (DB db = factory.open(dir.toFile(), SampleStore.dbOptions())) {
      for (int i = 0; i < 5; i++) {
        assertArrayEquals(value(i, 100), db.get(key(i)));
      }
    }
  }

  @Test
  void aLogThatEndsCleanlyIsLeftAlone() throws IOException {
    writeSynced(5, 20_000);
    long size = Files.size(log());

    assertEquals(0, TornLogTail.cut(dir));
    assertEquals(size, Files.size(log()));
  }

  @Test
  void damageFollowedByWholeRecordsIsADamagedFileAndStillRefused() throws IOException {
    writeSynced(6, 20_000); // records over several 32 KiB blocks
    byte[] bytes = Files.readAllBytes(log());
    bytes[100] ^= 0x40; // inside the first record's data
    Files.write(log(), bytes);

    assertEquals(0, TornLogTail.cut(dir));

    assertEquals(bytes.length, Files.size(log()));
    IOException refused = assertThrows(IOException.class, this::openAndClose);
    assertTrue(refused.getMessage().contains("Corruption"), refused.getMessage());
  }

  @Test
  void damageInTheLastBlockFollowedByWholeRecordsIsStillRefused() throws IOException {
    writeSynced(5, 100); // a log of one block: LevelDB 1.8 starts a new log at each open
    byte[] bytes = Files.readAllBytes(log());
    bytes[20] ^= 0x01; // inside the first record; four synced records follow it in the same block
    Files.write(log(), bytes);

    assertEquals(0, TornLogTail.cut(dir));

    assertEquals(bytes.length, Files.size(log()));
    assertThrows(IOException.class, this::openAndClose);
  }

  @Test
  void aRecordTornAcrossBlocksIsCutAtItsStart() throws IOException {
    writeSynced(2, 100);
    writeSynced(1, 50_000, 7); // a new log (LevelDB 1.8 starts one at each open): one record in fragments over two blocks
    byte[] bytes = Files.readAllBytes(log());
    Arrays.fill(bytes, bytes.length - 1000, bytes.length, (byte) 0); // its last fragment torn
    Files.write(log(), bytes);

    assertEquals(bytes.length, TornLogTail.cut(dir));
    try (DB db = factory.open(dir.toFile(), SampleStore.dbOptions())) {
      assertArrayEquals(value(1, 100), db.get(key(1)));
      assertEquals(null, db.get(key(7)));
    }
  }

  @Test
  void aRecordWhoseLaterFragmentsNeverCameIsCutAtItsStart() throws IOException {
    writeSynced(2, 100);
    writeSynced(1, 50_000, 7);
    byte[] bytes = Files.readAllBytes(log());
    Arrays.fill(bytes, 32 * 1024, bytes.length, (byte) 0); // the first fragment whole, then reserved zeros
    Files.write(log(), bytes);
    IOException refused = assertThrows(IOException.class, this::openAndClose);
    assertTrue(refused.getMessage().contains("error in middle of record"), refused.getMessage());

    assertEquals(bytes.length, TornLogTail.cut(dir));
    openAndClose();
  }

  @Test
  void aDirectoryWithoutALogIsNothingToCut() {
    assertEquals(0, TornLogTail.cut(dir.resolve("none")));
  }

  private void writeSynced(int count, int size) throws IOException {
    writeSynced(count, size, 0);
  }

  private void writeSynced(int count, int size, int first) throws IOException {
    try (DB db = factory.open(dir.toFile(), SampleStore.dbOptions())) {
      for (int i = first; i < first + count; i++) {
        db.put(key(i), value(i, size), new WriteOptions().sync(true));
      }
    }
  }

  private void openAndClose() throws IOException {
    factory.open(dir.toFile(), SampleStore.dbOptions()).close();
  }

  private Path log() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".log")).max(Path::compareTo).orElseThrow();
    }
  }

  private static byte[] key(int i) {
    return ("key-" + i).getBytes(UTF_8);
  }

  private static byte[] value(int i, int size) {
    byte[] v = new byte[size];
    Arrays.fill(v, (byte) ('a' + i % 26));
    return v;
  }
}
