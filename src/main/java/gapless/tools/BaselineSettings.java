package gapless.tools;

import gapless.client.GaplessClientException;
import java.nio.file.Path;

/**
 * The benchmarks' same-run raw LevelDB baseline, and the document they update.
 *
 * @param rawKeys       keys the baseline writes
 * @param rawValueBytes value size of each key
 * @param document      the benchmarks document whose section a run rewrites
 */
public record BaselineSettings(int rawKeys, int rawValueBytes, Path document) {

  /** Measures the baseline in the fresh directory {@code dir}; a failure is one line for the user. */
  RawLevelDbBaseline.Result measure(Path dir, boolean sequentialKeys) {
    try {
      return RawLevelDbBaseline.measure(dir, rawKeys, rawValueBytes, sequentialKeys);
    } catch (RuntimeException e) {
      throw new GaplessClientException("raw LevelDB baseline failed: " + GaplessClientException.describe(e), 0, e);
    }
  }

  /** Scans what {@link #measure} wrote in {@code dir} ({@link RawLevelDbBaseline#scan}); a failure is one line for the user. */
  RawLevelDbBaseline.Result scan(Path dir) {
    try {
      return RawLevelDbBaseline.scan(dir);
    } catch (RuntimeException e) {
      throw new GaplessClientException("raw LevelDB scan failed: " + GaplessClientException.describe(e), 0, e);
    }
  }
}
