package gapless.replica;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.Effect;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.RetentionCriteria;
import gapless.CborSerializable;
import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.CollectorStatus;
import gapless.model.EncodedBatch;
import gapless.model.Sample;
import gapless.store.SampleStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * This node's replica of one collector. Its journal holds the replica's state events (which
 * batches it holds, the collector's status changes); the samples live in the node's
 * {@link SampleStore}.
 *
 * <p>Write order: samples and blob to the store (one synced LevelDB write), then persist
 * {@code BatchStored}, then ack. A crash between the two only makes the seq look missing, and the
 * next delivery or recovery stores it again (idempotent by seq).
 *
 * <p>Group commit: while one store write is in flight, newly arrived batches wait; when it is
 * done, everything that waited goes to the store in one write and to the journal in one
 * {@code persist} of all its events. One fsync pair serves a whole group, so throughput grows with
 * load instead of being capped by fsyncs per second.
 */
public final class Replica extends EventSourcedBehavior<Replica.Command, Replica.Event, ReplicaState> {

  /** Messages a replica handles. */
  public interface Command extends CborSerializable {}

  /** A command for the replica of one collector; the {@link ReplicaHost} routes it by collector. */
  public interface CollectorCommand extends Command, ReplicaHost.Command {
    String collector();
  }

  /** Store one batch (idempotent by seq) and answer {@link StoreAck} once it is durable. */
  public record StoreBatch(String collector, long seq, byte[] blob, ActorRef<StoreAck> replyTo)
      implements CollectorCommand {}

  /** Answer to {@link StoreBatch}: the batch is durable on {@code node}. */
  public record StoreAck(String node, String collector, long seq) implements CborSerializable {}

  /** Samples of one tag with {@code from <= ts <= to}, at most {@code limit}. */
  public record QuerySamples(
      String collector, String tag, long from, long to, int limit, ActorRef<SampleAnswer> replyTo)
      implements CollectorCommand {}

  /**
   * Answer to {@link QuerySamples}. The samples travel encoded (about 13 bytes each) so a large
   * answer stays within one Artery frame.
   */
  public record SampleAnswer(
      String node,
      String collector,
      String tag,
      long contiguousSeq,
      byte[] encodedSamples,
      List<StopInterval> gaps,
      boolean truncated)
      implements CborSerializable {

    public List<Sample> decodeSamples() {
      return BatchCodec.decode(0, encodedSamples).samples();
    }
  }

  /** Ask for this replica's {@link ReplicaView}. */
  public record GetView(String collector, ActorRef<ReplicaView> replyTo) implements CollectorCommand {}

  private record WriteDone(List<StoreBatch> group, List<Event> events, Throwable failure) implements Command {}

  /** State events in the replica's journal. Each carries its source node and local time. */
  public sealed interface Event extends CborSerializable permits BatchStored, CollectorStatusChanged {}

  /** The batch {@code seq} is durable in this node's sample store. */
  public record BatchStored(
      String node, long seq, long acceptedAt, int samples, int bytes, long minTs, long maxTs, long checksum, long time)
      implements Event {}

  /** The collector reported a status change, recorded at position {@code seq} of its history. */
  public record CollectorStatusChanged(
      String node, long seq, CollectorStatus status, String reason, long acceptedAt, long time)
      implements Event {}

  private final ActorContext<Command> context;
  private final String node;
  private final String collector;
  private final List<String> replicaSet;
  private final SampleStore store;
  private final Executor storeExecutor;
  private final int snapshotEvery;
  private final int maxQuerySamples;

  // Group-commit bookkeeping; not part of the persisted state.
  private final List<StoreBatch> waiting = new ArrayList<>();
  private boolean writing;

  public static Behavior<Command> create(
      String node, String collector, List<String> replicaSet, SampleStore store, int snapshotEvery, int maxQuerySamples) {
    return Behaviors.setup(
        ctx -> new Replica(ctx, node, collector, replicaSet, store, snapshotEvery, maxQuerySamples));
  }

  public static PersistenceId persistenceId(String collector) {
    return PersistenceId.of("replica", collector);
  }

  private Replica(
      ActorContext<Command> context, String node, String collector, List<String> replicaSet,
      SampleStore store, int snapshotEvery, int maxQuerySamples) {
    super(persistenceId(collector));
    this.context = context;
    this.node = node;
    this.collector = collector;
    this.replicaSet = replicaSet;
    this.store = store;
    this.storeExecutor = context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("gapless-store-dispatcher"));
    this.snapshotEvery = snapshotEvery;
    this.maxQuerySamples = maxQuerySamples;
  }

  @Override
  public ReplicaState emptyState() {
    return ReplicaState.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Snapshots only: the events stay, they are the replica's log.
    return RetentionCriteria.snapshotEvery(snapshotEvery, 2);
  }

  @Override
  public CommandHandler<Command, Event, ReplicaState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(StoreBatch.class, this::onStoreBatch)
        .onCommand(WriteDone.class, this::onWriteDone)
        .onCommand(QuerySamples.class, this::onQuery)
        .onCommand(GetView.class, (state, cmd) -> {
          cmd.replyTo().tell(ReplicaView.of(node, collector, replicaSet, state));
          return Effect().none();
        })
        .build();
  }

  private Effect<Event, ReplicaState> onStoreBatch(ReplicaState state, StoreBatch cmd) {
    if (state.holds(cmd.seq())) {
      cmd.replyTo().tell(new StoreAck(node, collector, cmd.seq()));
      return Effect().none();
    }
    waiting.add(cmd);
    if (!writing) {
      startWrite(state);
    }
    return Effect().none();
  }

  /** Sends everything that waited to the store in one synced write, off the actor's thread. */
  private void startWrite(ReplicaState state) {
    Map<Long, StoreBatch> firstBySeq = new LinkedHashMap<>();
    for (StoreBatch b : waiting) {
      if (!state.holds(b.seq())) {
        firstBySeq.putIfAbsent(b.seq(), b);
      }
    }
    List<StoreBatch> group = List.copyOf(waiting);
    waiting.clear();
    writing = true;
    long now = System.currentTimeMillis();
    CompletableFuture<List<Event>> written = CompletableFuture.supplyAsync(() -> {
      List<EncodedBatch> encoded = new ArrayList<>(firstBySeq.size());
      List<Event> events = new ArrayList<>(firstBySeq.size() + 1);
      for (StoreBatch b : firstBySeq.values()) {
        encoded.add(new EncodedBatch(b.seq(), b.blob()));
        events.addAll(eventsFor(BatchCodec.decode(b.seq(), b.blob()), b.blob(), now));
      }
      store.write(collector, encoded);
      return events;
    }, storeExecutor);
    context.pipeToSelf(written, (events, failure) -> new WriteDone(group, events, failure));
  }

  private List<Event> eventsFor(Batch batch, byte[] blob, long now) {
    List<Sample> samples = batch.samples();
    long minTs = samples.stream().mapToLong(Sample::ts).min().orElse(batch.acceptedAt());
    long maxTs = samples.stream().mapToLong(Sample::ts).max().orElse(batch.acceptedAt());
    BatchStored stored = new BatchStored(node, batch.seq(), batch.acceptedAt(), samples.size(), blob.length,
        minTs, maxTs, BatchCodec.checksum(blob), now);
    if (!batch.isStatusChange()) {
      return List.of(stored);
    }
    return List.of(stored,
        new CollectorStatusChanged(node, batch.seq(), batch.status(), batch.reason(), batch.acceptedAt(), now));
  }

  private Effect<Event, ReplicaState> onWriteDone(ReplicaState state, WriteDone done) {
    if (done.failure() != null) {
      // Nothing is acked: the gateway sends again, or recovery fetches it later.
      context.getLog().error("Storing [{}] batches of [{}] failed", done.group().size(), collector, done.failure());
      writing = false;
      if (!waiting.isEmpty()) {
        startWrite(state);
      }
      return Effect().none();
    }
    return Effect().persist(done.events()).thenRun(newState -> {
      for (StoreBatch b : done.group()) {
        b.replyTo().tell(new StoreAck(node, collector, b.seq()));
      }
      writing = false;
      if (!waiting.isEmpty()) {
        startWrite(newState);
      }
    });
  }

  private Effect<Event, ReplicaState> onQuery(ReplicaState state, QuerySamples q) {
    int limit = Math.max(1, Math.min(q.limit(), maxQuerySamples));
    List<StopInterval> gaps = state.stopsOverlapping(q.from(), q.to());
    long contiguous = state.held().contiguous();
    CompletableFuture.supplyAsync(() -> store.query(collector, q.tag(), q.from(), q.to(), limit), storeExecutor)
        .whenComplete((result, failure) -> {
          if (failure != null) {
            context.getSystem().log().error("Query of [{}] failed", collector, failure);
            return;
          }
          byte[] encoded = BatchCodec.encode(Batch.ofSamples(0, 0, result.samples()));
          q.replyTo().tell(new SampleAnswer(node, collector, q.tag(), contiguous, encoded, gaps, result.truncated()));
        });
    return Effect().none();
  }

  @Override
  public EventHandler<ReplicaState, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(BatchStored.class, (state, e) -> state.withBatch(e.seq(), e.checksum(), e.samples(), e.bytes()))
        .onEvent(CollectorStatusChanged.class,
            (state, e) -> state.withStatusMark(new StatusMark(e.seq(), e.status(), e.reason(), e.acceptedAt())))
        .build();
  }
}
