package gapless.journal;

import akka.dispatch.Futures;
import akka.persistence.SelectedSnapshot;
import akka.persistence.SnapshotMetadata;
import akka.persistence.SnapshotSelectionCriteria;
import akka.persistence.serialization.Snapshot;
import akka.persistence.snapshot.japi.SnapshotStore;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import com.typesafe.config.Config;
import gapless.store.TornLogTail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;

/**
 * The node's snapshot store: snapshots in a LevelDB, keyed by persistence id and sequence number.
 * Akka's local store keeps a file per snapshot in one directory and lists all of it on every load
 * and delete: a replica's start (new, woken up, restarted) cost about 4 ms of listing with 6000
 * files, growing with the collectors a node holds. Here a load is one seek.
 *
 * <p>The values are the bytes Akka's local store writes to its files (its {@link Snapshot}
 * wrapper, serialized), after the snapshot's timestamp. Files that store left in the directory
 * ({@code snapshot-<url-encoded id>-<seq>-<timestamp>}) are imported when the store starts, in
 * synced writes, then deleted: a node keeps its snapshots across the upgrade. All LevelDB work runs
 * on one thread of the store's own, so closing waits for it.
 */
public final class LevelDbSnapshotStore extends SnapshotStore {

  private static final String LEGACY_PREFIX = "snapshot-";
  private static final WriteOptions SYNCED = new WriteOptions().sync(true);
  private static final long IMPORT_BATCH_BYTES = 16 << 20;

  private final Path dir;
  private final Serialization serialization;
  private final ExecutorService io;
  private final ExecutionContext ioContext;
  private DB db;

  public LevelDbSnapshotStore(Config config) {
    this.dir = Paths.get(config.getString("dir"));
    this.serialization = SerializationExtension.get(context().system());
    this.io = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "gapless-snapshot-store");
      t.setDaemon(true);
      return t;
    });
    this.ioContext = ExecutionContext.fromExecutor(io);
  }

  @Override
  public void preStart() throws Exception {
    Files.createDirectories(dir);
    // As for the journal: a record torn by a power loss was never answered.
    TornLogTail.cut(dir);
    db = JniDBFactory.factory.open(dir.toFile(), new Options().createIfMissing(true));
    int imported = importLegacyFiles();
    if (imported > 0) {
      log().info("Imported [{}] snapshot files of Akka's local snapshot store in [{}]", imported, dir);
    }
    super.preStart();
  }

  @Override
  public void postStop() throws Exception {
    io.shutdown();
    if (!io.awaitTermination(10, TimeUnit.SECONDS)) {
      log().warning("Snapshot store closing with work still running");
    }
    db.close();
    super.postStop();
  }

  @Override
  public Future<Optional<SelectedSnapshot>> doLoadAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    return onIo(() -> {
      List<Map.Entry<SnapshotMetadata, byte[]>> found = matching(persistenceId, criteria);
      RuntimeException first = null;
      // The newest first; one that does not read is skipped for the one before it, as Akka's local store does.
      for (int i = found.size() - 1; i >= 0; i--) {
        try {
          Snapshot snapshot = serialization.deserialize(found.get(i).getValue(), Snapshot.class).get();
          return Optional.of(SelectedSnapshot.create(found.get(i).getKey(), snapshot.data()));
        } catch (RuntimeException e) {
          log().warning("Snapshot [{}] of [{}] does not read: {}", found.get(i).getKey().sequenceNr(), persistenceId, e.toString());
          first = first == null ? e : first;
        }
      }
      if (first != null) {
        throw first;
      }
      return Optional.empty();
    });
  }

  @Override
  public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
    return onIo(() -> {
      Snapshot wrapped = new Snapshot(snapshot);
      byte[] bytes = serialization.findSerializerFor(wrapped).toBinary(wrapped);
      db.put(key(metadata.persistenceId(), metadata.sequenceNr()), value(metadata.timestamp(), bytes), SYNCED);
      return null;
    });
  }

  @Override
  public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
    return onIo(() -> {
      byte[] key = key(metadata.persistenceId(), metadata.sequenceNr());
      byte[] value = db.get(key);
      // A timestamp of 0 means any; otherwise only the snapshot taken then.
      if (value != null && (metadata.timestamp() == 0 || ByteBuffer.wrap(value).getLong() == metadata.timestamp())) {
        db.delete(key, SYNCED);
      }
      return null;
    });
  }

  @Override
  public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    return onIo(() -> {
      try (WriteBatch batch = db.createWriteBatch()) {
        for (Map.Entry<SnapshotMetadata, byte[]> e : matching(persistenceId, criteria)) {
          batch.delete(key(persistenceId, e.getKey().sequenceNr()));
        }
        db.write(batch, SYNCED);
      }
      return null;
    });
  }

  /** The snapshots of {@code persistenceId} that {@code criteria} selects, oldest first, with their stored bytes. */
  private List<Map.Entry<SnapshotMetadata, byte[]>> matching(String persistenceId, SnapshotSelectionCriteria criteria) throws IOException {
    List<Map.Entry<SnapshotMetadata, byte[]>> found = new ArrayList<>();
    byte[] prefix = key(persistenceId, 0);
    int idLength = prefix.length - Long.BYTES;
    try (DBIterator it = db.iterator()) {
      for (it.seek(key(persistenceId, Math.max(0, criteria.minSequenceNr()))); it.hasNext(); it.next()) {
        Map.Entry<byte[], byte[]> e = it.peekNext();
        byte[] k = e.getKey();
        if (k.length != prefix.length || !Arrays.equals(k, 0, idLength, prefix, 0, idLength)) {
          break;
        }
        long seq = ByteBuffer.wrap(k, idLength, Long.BYTES).getLong();
        if (seq > criteria.maxSequenceNr()) {
          break;
        }
        ByteBuffer value = ByteBuffer.wrap(e.getValue());
        long timestamp = value.getLong();
        if (timestamp >= criteria.minTimestamp() && timestamp <= criteria.maxTimestamp()) {
          found.add(Map.entry(SnapshotMetadata.apply(persistenceId, seq, timestamp),
              Arrays.copyOfRange(e.getValue(), Long.BYTES, e.getValue().length)));
        }
      }
    }
    return found;
  }

  /** A snapshot's stored value: its timestamp, then the bytes Akka's local store would write to its file. */
  private static byte[] value(long timestamp, byte[] snapshot) {
    return ByteBuffer.allocate(Long.BYTES + snapshot.length).putLong(timestamp).put(snapshot).array();
  }

  /** The length of the id's UTF-8 bytes, the bytes, then the sequence number: one id's keys are together, in order. */
  private static byte[] key(String persistenceId, long sequenceNr) {
    byte[] id = persistenceId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(Integer.BYTES + id.length + Long.BYTES).putInt(id.length).put(id).putLong(sequenceNr).array();
  }

  /**
   * Moves the snapshot files of Akka's local store in this directory into the database: synced
   * writes of all of them, then the files are deleted (a crash in between imports them again).
   * Files it was still writing ({@code .tmp}) were never a snapshot and are deleted.
   */
  private int importLegacyFiles() throws IOException {
    List<Path> files;
    try (var listing = Files.list(dir)) {
      files = listing.filter(p -> p.getFileName().toString().startsWith(LEGACY_PREFIX)).toList();
    }
    int imported = 0;
    WriteBatch batch = db.createWriteBatch();
    long bytesInBatch = 0;
    try {
      for (Path file : files) {
        Optional<SnapshotMetadata> metadata = legacyName(file.getFileName().toString());
        if (metadata.isPresent()) {
          byte[] bytes = Files.readAllBytes(file);
          batch.put(key(metadata.get().persistenceId(), metadata.get().sequenceNr()), value(metadata.get().timestamp(), bytes));
          imported++;
          bytesInBatch += bytes.length;
        }
        // Thousands of snapshots are written a part at a time, not held in one batch.
        if (bytesInBatch > IMPORT_BATCH_BYTES) {
          db.write(batch, SYNCED);
          batch.close();
          batch = db.createWriteBatch();
          bytesInBatch = 0;
        }
      }
      db.write(batch, SYNCED);
    } finally {
      batch.close();
    }
    for (Path file : files) {
      Files.delete(file);
    }
    return imported;
  }

  /**
   * What the name of a file of Akka's local store says: {@code snapshot-}, the persistence id
   * URL-encoded, {@code -}, the sequence number, {@code -}, the timestamp; empty for anything else
   * (a {@code .tmp} file it was writing).
   */
  static Optional<SnapshotMetadata> legacyName(String name) {
    int timestampAt = name.lastIndexOf('-');
    int seqAt = timestampAt <= 0 ? -1 : name.lastIndexOf('-', timestampAt - 1);
    if (!name.startsWith(LEGACY_PREFIX) || seqAt < LEGACY_PREFIX.length()) {
      return Optional.empty();
    }
    try {
      long seq = Long.parseLong(name.substring(seqAt + 1, timestampAt));
      long timestamp = Long.parseLong(name.substring(timestampAt + 1));
      String id = URLDecoder.decode(name.substring(LEGACY_PREFIX.length(), seqAt), StandardCharsets.UTF_8);
      return Optional.of(SnapshotMetadata.apply(id, seq, timestamp));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private <T> Future<T> onIo(Callable<T> work) {
    return Futures.future(() -> {
      try {
        return work.call();
      } catch (IOException e) {
        throw new UncheckedIOException("snapshot store in " + dir + ": " + e.getMessage(), e);
      }
    }, ioContext);
  }
}
