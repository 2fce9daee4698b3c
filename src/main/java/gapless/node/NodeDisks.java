package gapless.node;

import com.typesafe.config.Config;
import gapless.collector.GatewayBuffer;
import gapless.config.GaplessSettings;
import gapless.store.DiskSpace;
import gapless.store.SampleStore;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a node keeps on disk besides Akka's journal: the sample store on a storage node (opened
 * once the journal passed its check), the buffer on a gateway. {@link NodeProcess} opens them on
 * a thread of their own while the actor system starts and joins the cluster: after a crash each
 * LevelDB first replays its log, and a JVM's first LevelDB open also loads the native library,
 * together 0.1-0.5 s of a restart that need not wait for one another.
 */
record NodeDisks(Optional<SampleStore> store, Optional<GatewayBuffer> buffer) {

  /** The node cannot start on its data directory; the message is the line for the operator. */
  static final class Unusable extends RuntimeException {
    Unusable(String line) {
      super(line, null, false, false);
    }
  }

  /** Checks the journal, then opens what this node's roles need, or throws {@link Unusable}. */
  static NodeDisks open(Config config, GaplessSettings settings) {
    DataDirs.journalProblem(config).ifPresent(problem -> {
      throw new Unusable(problem + "; " + DataDirs.wayOut(settings.dataDir(), settings.nodeId()));
    });
    Optional<SampleStore> store;
    Path samples = settings.dataDir().resolve("samples");
    try {
      store = settings.isStorageNode()
          ? Optional.of(SampleStore.open(samples, settings.query().bucketMillis(), settings.nodeId(),
              DiskSpace.of(samples, settings.disk().minFree()), settings.disk().compressed()))
          : Optional.empty();
    } catch (RuntimeException e) {
      throw new Unusable("cannot open the sample store in " + samples + ": " + DataDirs.oneLine(e)
          + (DataDirs.isCorruption(e) ? "; " + DataDirs.wayOut(samples, settings.nodeId()) : ""));
    }
    Path buffered = settings.dataDir().resolve("buffer");
    try {
      Optional<GatewayBuffer> buffer = config.getStringList("akka.cluster.roles").contains("gateway")
          ? Optional.of(GatewayBuffer.open(buffered, settings.ingest().bufferMaxBytes(),
              DiskSpace.of(buffered, settings.disk().minFree())))
          : Optional.empty();
      return new NodeDisks(store, buffer);
    } catch (RuntimeException e) {
      store.ifPresent(SampleStore::close);
      throw new Unusable("cannot open the gateway buffer in " + settings.dataDir() + ": " + e.getMessage());
    }
  }

  void close() {
    store.ifPresent(SampleStore::close);
    buffer.ifPresent(GatewayBuffer::close);
  }
}
