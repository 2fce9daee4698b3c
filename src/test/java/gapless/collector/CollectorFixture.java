package gapless.collector;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import com.typesafe.config.ConfigFactory;
import gapless.config.GaplessSettings;
import gapless.config.NodeConfig;
import gapless.events.EventLog;
import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.Sample;
import gapless.model.SeqEpochs;
import gapless.model.SeqRanges;
import gapless.replica.ReplicaHost;
import gapless.replica.ReplicaProtocol;
import gapless.store.DiskSpace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

/** What the collector tests share: settings, fake replica hosts, an owner with its own buffer, a blocking submit. */
final class CollectorFixture {

  private CollectorFixture() {}

  /** A gateway's settings whose storage nodes are {@code <prefix>1..3}, so tests do not share hosts. */
  static GaplessSettings settings(String prefix, String extra) {
    return GaplessSettings.from(NodeConfig.complete(ConfigFactory.parseString(extra + "\n").withFallback(ConfigFactory.parseString(
        "gapless.node-id = gw1\n"
            + "akka.cluster.roles = [gateway]\n"
            + "gapless.storage-nodes = [" + prefix + "1, " + prefix + "2, " + prefix + "3]\n"
            + "gapless.ingest.ack-timeout = 700ms\n"
            + "gapless.ingest.retry-interval = 300ms\n"
            + "gapless.ingest.claim-timeout = 1s\n"))));
  }

  /** A fake replica host: what it holds and promised, whether it acks; every StoreBatch and claim goes to {@code seen}. */
  static final class FakeHost {
    final String node;
    final AtomicLong promised = new AtomicLong();
    final AtomicReference<SeqRanges> held = new AtomicReference<>(SeqRanges.EMPTY);
    /** When the newest batch it holds was first accepted (epoch ms), as a claim's answer says. */
    final AtomicLong newestAcceptedAt = new AtomicLong();
    final AtomicReference<SeqEpochs> epochs = new AtomicReference<>(SeqEpochs.EMPTY);
    final AtomicBoolean acks = new AtomicBoolean(true);
    /** Batches held under an Idempotency-Key, and the epoch that wrote them; FindKey is answered when {@code answersKeys}. */
    final Map<String, ReplicaProtocol.KeyHolding> keys = new ConcurrentHashMap<>();
    final AtomicBoolean answersKeys = new AtomicBoolean(true);
    /** Refuses every write at once, as a replica whose disk is below its reserve. */
    final AtomicBoolean diskFull = new AtomicBoolean(false);
    /** Also acks every write in the name of this other node, as a forger among the replica hosts would. */
    final AtomicReference<String> forgesAcksOf = new AtomicReference<>();

    FakeHost(String node) {
      this.node = node;
    }

    Behavior<ReplicaHost.Command> behavior(ActorRef<Object> seen) {
      return Behaviors.setup(ctx -> {
        ctx.getSystem().receptionist().tell(Receptionist.register(ReplicaHost.serviceKey(node), ctx.getSelf()));
        return Behaviors.receive(ReplicaHost.Command.class)
            .onMessage(ReplicaProtocol.ClaimEpoch.class, m -> {
              seen.tell(m);
              boolean granted = m.epoch() > promised.get();
              if (granted) {
                promised.set(m.epoch());
              }
              m.replyTo().tell(new ReplicaProtocol.EpochClaimed(node, m.collector(), m.epoch(), granted, promised.get(),
                  held.get(), epochs.get(), newestAcceptedAt.get()));
              return Behaviors.same();
            })
            .onMessage(ReplicaProtocol.FindKey.class, m -> {
              seen.tell(m);
              if (answersKeys.get()) {
                m.replyTo().tell(keys.getOrDefault(m.key(), new ReplicaProtocol.KeyHolding(node, m.collector(), m.key(), null, 0)));
              }
              return Behaviors.same();
            })
            .onMessage(ReplicaProtocol.StoreBatch.class, m -> {
              seen.tell(m);
              if (m.kind() == ReplicaProtocol.WriteKind.OWNER && m.epoch() < promised.get()) {
                m.replyTo().tell(new ReplicaProtocol.StoreFenced(node, m.collector(), m.seq(), m.epoch(), promised.get()));
              } else if (diskFull.get()) {
                m.replyTo().tell(new ReplicaProtocol.StoreRefused(node, m.collector(), m.seq(), true, node + "'s disk is full"));
              } else if (acks.get()) {
                m.replyTo().tell(new ReplicaProtocol.StoreAck(node, m.collector(), m.seq()));
              }
              if (forgesAcksOf.get() != null) {
                m.replyTo().tell(new ReplicaProtocol.StoreAck(forgesAcksOf.get(), m.collector(), m.seq()));
              }
              return Behaviors.same();
            })
            .build();
      });
    }
  }

  static GatewayBuffer buffer(long maxBytes) {
    return buffer(maxBytes, null);
  }

  /** A buffer whose disk has {@code free} bytes free of a 1 MiB reserve (when not null). */
  static GatewayBuffer buffer(long maxBytes, AtomicLong free) {
    try {
      Path dir = Files.createTempDirectory("gateway-buffer");
      return GatewayBuffer.open(dir, maxBytes, free == null ? DiskSpace.of(dir, 0) : DiskSpace.of(dir, 1 << 20, free::get));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<Sample> samples(int count) {
    return IntStream.range(0, count).mapToObj(i -> new Sample("FIC101.PV", 1_700_000_000_000L + i, i, 192)).toList();
  }

  static byte[] blob(int samples) {
    return BatchCodec.encode(Batch.ofSamples(0, 1_700_000_000_000L, samples(samples)));
  }

  /** {@code samples} samples of one tag, valued from {@code first}, sent now with {@code key}. */
  static byte[] keyed(String key, int samples, double first) {
    return BatchCodec.encode(Batch.ofSamples(0, System.currentTimeMillis(), IntStream.range(0, samples)
        .mapToObj(i -> new Sample("FIC101.PV", 1_700_000_000_000L + i, first + i, 192)).toList()), key);
  }

  static CollectorProtocol.IngestResult submit(ActorTestKit testKit, ActorRef<CollectorProtocol.Command> c, byte[] blob) {
    TestProbe<CollectorProtocol.IngestResult> probe = testKit.createTestProbe();
    c.tell(new CollectorProtocol.Submit(blob, BatchCodec.sampleCount(blob), probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(10));
  }

  static CollectorProtocol.IngestResult submit(ActorTestKit testKit, ActorRef<CollectorProtocol.Command> c, int samples) {
    TestProbe<CollectorProtocol.IngestResult> probe = testKit.createTestProbe();
    c.tell(new CollectorProtocol.Submit(blob(samples), samples, probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(10));
  }

  static ActorRef<EventLog.Command> ignoredEvents(ActorTestKit testKit) {
    return testKit.createTestProbe(EventLog.Command.class).getRef();
  }
}
