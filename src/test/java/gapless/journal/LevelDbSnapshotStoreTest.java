package gapless.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorRef;
import akka.actor.ActorSystem;
import akka.pattern.Patterns;
import akka.persistence.Persistence;
import akka.persistence.SaveSnapshotSuccess;
import akka.persistence.SelectedSnapshot;
import akka.persistence.SnapshotMetadata;
import akka.persistence.SnapshotProtocol;
import akka.persistence.SnapshotSelectionCriteria;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import gapless.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;

class LevelDbSnapshotStoreTest {

  private static final String ID = "replica|line-7.flow";
  private static final long TS = 1_764_200_000_000L;

  @TempDir
  Path dir;

  @Test
  void legacyFileNamesSayIdSeqAndTime() {
    assertEquals(Optional.of(SnapshotMetadata.apply("replica|c-1", 1000, TS)),
        LevelDbSnapshotStore.legacyName("snapshot-replica%7Cc-1-1000-" + TS));
    assertEquals(Optional.empty(), LevelDbSnapshotStore.legacyName("snapshot-replica%7Cc-1-1000-" + TS + "tmp"));
    assertEquals(Optional.empty(), LevelDbSnapshotStore.legacyName("snapshot-1000-" + TS));
    assertEquals(Optional.empty(), LevelDbSnapshotStore.legacyName("CURRENT"));
  }

  /** Snapshots Akka's local store wrote are read after the upgrade, and its files are gone. */
  @Test
  void theLocalStoresFilesAreImported() throws Exception {
    withStore(local(), store -> {
      save(store, 1000, "first");
      save(store, 2000, "second");
      return null;
    });
    try (Stream<Path> files = Files.list(dir.resolve("snapshots"))) {
      assertEquals(2, files.filter(f -> f.getFileName().toString().startsWith("snapshot-")).count());
    }
    withStore(ours(), store -> {
      assertEquals(Optional.of("second"), load(store, SnapshotSelectionCriteria.latest()));
      assertEquals(Optional.of("first"), load(store, SnapshotSelectionCriteria.create(1999, Long.MAX_VALUE)));
      return null;
    });
    try (Stream<Path> files = Files.list(dir.resolve("snapshots"))) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("snapshot-")));
    }
  }

  /** Save, load by criteria, delete one and by criteria; what is left survives a restart. */
  @Test
  void savesLoadsAndDeletesByCriteria() throws Exception {
    withStore(ours(), store -> {
      assertEquals(Optional.empty(), load(store, SnapshotSelectionCriteria.latest()));
      save(store, 10, "ten");
      save(store, 20, "twenty");
      save(store, 30, "thirty");
      ask(store, new SnapshotProtocol.SaveSnapshot(SnapshotMetadata.apply(ID + "x", 40, TS), "another id"));
      assertEquals(Optional.of("thirty"), load(store, SnapshotSelectionCriteria.latest()));
      assertEquals(Optional.of("twenty"), load(store, SnapshotSelectionCriteria.create(29, Long.MAX_VALUE)));
      assertEquals(Optional.empty(), load(store, SnapshotSelectionCriteria.create(9, Long.MAX_VALUE)));
      // A timestamp that is not the snapshot's deletes nothing; 0 means any.
      ask(store, new SnapshotProtocol.DeleteSnapshot(SnapshotMetadata.apply(ID, 30, TS + 1)));
      assertEquals(Optional.of("thirty"), load(store, SnapshotSelectionCriteria.latest()));
      ask(store, new SnapshotProtocol.DeleteSnapshot(SnapshotMetadata.apply(ID, 30, 0)));
      assertEquals(Optional.of("twenty"), load(store, SnapshotSelectionCriteria.latest()));
      ask(store, new SnapshotProtocol.DeleteSnapshots(ID, SnapshotSelectionCriteria.create(15, Long.MAX_VALUE)));
      return null;
    });
    withStore(ours(), store -> {
      assertEquals(Optional.of("twenty"), load(store, SnapshotSelectionCriteria.latest()));
      assertEquals(Optional.empty(), load(store, SnapshotSelectionCriteria.create(19, Long.MAX_VALUE)));
      return null;
    });
  }

  private Config ours() {
    return TestConfig.withDataDir(dir);
  }

  private Config local() {
    return ConfigFactory.parseString("akka.persistence.snapshot-store.plugin = \"akka.persistence.snapshot-store.local\"\n"
        + "akka.persistence.snapshot-store.local.dir = \"" + dir.resolve("snapshots") + "\"").withFallback(ours());
  }

  private static <T> T withStore(Config config, Function<ActorRef, T> use) throws Exception {
    ActorSystem system = ActorSystem.create("LevelDbSnapshotStoreTest", config);
    try {
      String plugin = config.getString("akka.persistence.snapshot-store.plugin");
      return use.apply(Persistence.get(system).snapshotStoreFor(plugin, config.getConfig(plugin)));
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get();
    }
  }

  private static void save(ActorRef store, long seq, String snapshot) {
    assertInstanceOf(SaveSnapshotSuccess.class,
        ask(store, new SnapshotProtocol.SaveSnapshot(SnapshotMetadata.apply(ID, seq, TS + seq), snapshot)));
  }

  private static Optional<Object> load(ActorRef store, SnapshotSelectionCriteria criteria) {
    SnapshotProtocol.LoadSnapshotResult result = (SnapshotProtocol.LoadSnapshotResult)
        ask(store, new SnapshotProtocol.LoadSnapshot(ID, criteria, Long.MAX_VALUE));
    Option<SelectedSnapshot> found = result.snapshot();
    return found.isDefined() ? Optional.of(found.get().snapshot()) : Optional.empty();
  }

  private static Object ask(ActorRef store, Object message) {
    try {
      return Patterns.ask(store, message, Duration.ofSeconds(10)).toCompletableFuture().get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

}
