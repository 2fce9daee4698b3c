package gapless.cli;

import gapless.tools.BaselineSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of the benchmarks: the same-run raw LevelDB baseline, and the document they update. */
final class BaselineOptions {

  @Option(names = "--raw-keys", defaultValue = "1000000", description = "Keys written by the raw LevelDB baseline (default: ${DEFAULT-VALUE})")
  int rawKeys;

  @Option(names = "--raw-value-bytes", defaultValue = "16", description = "Value size of the raw baseline (default: ${DEFAULT-VALUE})")
  int rawValueBytes;

  @Option(names = "--out", defaultValue = "docs/BENCHMARKS.md", description = "Document to update (default: ${DEFAULT-VALUE})")
  Path out;

  BaselineSettings settings() {
    return new BaselineSettings(rawKeys, rawValueBytes, out);
  }
}
