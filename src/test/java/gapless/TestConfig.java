package gapless;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;

/** Config for actor tests: application-test.conf with journal and snapshots under {@code dir}. */
public final class TestConfig {

  private TestConfig() {}

  public static Config withDataDir(Path dir) {
    return ConfigFactory.parseString(
            "akka.persistence.journal.leveldb.dir = \"" + dir.resolve("journal") + "\"\n"
                + "gapless-snapshot-store.dir = \"" + dir.resolve("snapshots") + "\"\n")
        .withFallback(ConfigFactory.load("application-test"));
  }
}
