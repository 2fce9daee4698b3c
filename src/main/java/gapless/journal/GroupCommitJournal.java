package gapless.journal;

import akka.persistence.AtomicWrite;
import akka.persistence.PersistentRepr;
import akka.persistence.journal.Tagged;
import akka.persistence.journal.leveldb.LeveldbJournal;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;
import scala.collection.immutable.Seq;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;
import scala.runtime.BoxedUnit;
import scala.util.Failure;
import scala.util.Success;
import scala.util.Try;

/**
 * Akka's LevelDB journal with its writes group-committed. Akka's own writes each persist on the
 * journal actor's thread with an fsync of its own, one after the other: every persistent actor of
 * the node waits in that one queue, and a node with thousands of collectors spends its journal's
 * time in fsync. Here the actor builds each write (numeric ids, serialization) and a pool of
 * writers hands it to LevelDB, whose writer queue joins the writes that wait on each other into one
 * log append and one fsync. A write is still acknowledged only once it is synced, unless every
 * event in it is {@link Unsynced}: such a write skips the fsync (on this machine an fsync costs
 * about 80 us of CPU and 180 us of waiting), and the next synced write makes it durable.
 *
 * <p>Keys and values are Akka's: a journal written by either class is read by both. Akka's path is
 * kept for tagged events and for its query subscribers (Gapless uses neither).
 *
 * <p>Akka's journal protocol lets a write be in flight while the actor handles the next message. A
 * replay of a persistence id waits for that id's write in flight, so an actor started again never
 * misses its own last event; closing waits for every write in flight.
 */
public final class GroupCommitJournal extends LeveldbJournal {

  private static final Try<BoxedUnit> WRITTEN = new Success<>(BoxedUnit.UNIT);
  private static final WriteOptions UNSYNCED = new WriteOptions().sync(false);

  private final Executor writers;
  // Each persistence id's write in flight; a replay of that id waits for it.
  private final Map<String, CompletableFuture<?>> inFlight = new ConcurrentHashMap<>();

  public GroupCommitJournal(Config config) {
    super(config);
    this.writers = context().system().dispatchers().lookup(config.getString("write-dispatcher"));
  }

  @Override
  public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
    List<AtomicWrite> writes = CollectionConverters.asJava(messages);
    if (hasPersistenceIdSubscribers() || hasTagSubscribers() || writes.stream().anyMatch(GroupCommitJournal::tagged)) {
      return super.asyncWriteMessages(messages);
    }
    List<byte[]> entries = new ArrayList<>();
    List<Try<BoxedUnit>> results = new ArrayList<>(writes.size());
    for (AtomicWrite write : writes) {
      results.add(add(write, entries));
    }
    Seq<Try<BoxedUnit>> answer = CollectionConverters.asScala(results).toList();
    WriteOptions options = needsSync(writes) ? leveldbWriteOptions() : UNSYNCED;
    CompletableFuture<Seq<Try<BoxedUnit>>> written = CompletableFuture.supplyAsync(() -> {
      write(entries, options);
      return answer;
    }, writers);
    for (AtomicWrite write : writes) {
      String id = write.persistenceId();
      inFlight.put(id, written);
      written.whenComplete((r, e) -> inFlight.remove(id, written));
    }
    return FutureConverters.asScala(written);
  }

  /**
   * One atomic write's events into the batch, all or none: Akka's own adds the events before one
   * that fails to serialize.
   */
  private Try<BoxedUnit> add(AtomicWrite write, List<byte[]> entries) {
    List<byte[]> added = new ArrayList<>();
    try {
      long now = System.currentTimeMillis();
      for (PersistentRepr event : CollectionConverters.asJava(write.payload())) {
        int id = numericId(event.persistenceId());
        added.add(key(id, 0L, 0));
        added.add(ByteBuffer.allocate(Long.BYTES).putLong(event.sequenceNr()).array());
        added.add(key(id, event.sequenceNr(), 0));
        added.add(persistentToBytes(event.withTimestamp(now)));
      }
    } catch (RuntimeException e) {
      return new Failure<>(e);
    }
    entries.addAll(added);
    return WRITTEN;
  }

  /** Whether the writes hold an event that must be synced before it is acknowledged. */
  static boolean needsSync(List<AtomicWrite> writes) {
    return writes.stream().anyMatch(w -> CollectionConverters.asJava(w.payload()).stream()
        .anyMatch(event -> !(event.payload() instanceof Unsynced)));
  }

  /** On a writer: keys and values alternate in {@code entries}. */
  private void write(List<byte[]> entries, WriteOptions options) {
    try (WriteBatch batch = leveldb().createWriteBatch()) {
      for (int i = 0; i < entries.size(); i += 2) {
        batch.put(entries.get(i), entries.get(i + 1));
      }
      leveldb().write(batch, options);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Akka's LevelDB key, byte for byte: numeric persistence id, sequence number, mapping id (0 for an
   * event; the id's counter is sequence number 0), and four zero bytes Akka allocates too.
   */
  private static byte[] key(int persistenceId, long sequenceNr, int mappingId) {
    return ByteBuffer.allocate(20).putInt(persistenceId).putLong(sequenceNr).putInt(mappingId).array();
  }

  private static boolean tagged(AtomicWrite write) {
    return CollectionConverters.asJava(write.payload()).stream().anyMatch(p -> p.payload() instanceof Tagged);
  }

  @Override
  public Future<Object> asyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    CompletableFuture<?> writing = inFlight.get(persistenceId);
    if (writing == null) {
      return super.asyncReadHighestSequenceNr(persistenceId, fromSequenceNr);
    }
    return FutureConverters.asScala(writing.handle((r, e) -> null)
        .thenCompose(ignored -> FutureConverters.asJava(super.asyncReadHighestSequenceNr(persistenceId, fromSequenceNr))));
  }

  @Override
  public void postStop() {
    // LevelDB closes in super.postStop(): no write may still be in its native code then.
    try {
      CompletableFuture.allOf(inFlight.values().toArray(CompletableFuture[]::new)).handle((r, e) -> null).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      context().system().log().warning("Journal closing with writes still in flight: {}", e.toString());
    }
    super.postStop();
  }
}
