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
import gapless.model.Sample;
import gapless.replica.ReplicaHost;
import gapless.replica.ReplicaProtocol;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/** What the collector tests share: settings, fake replica hosts, and a blocking ingest. */
final class CollectorFixture {

  private CollectorFixture() {}

  /** A gateway's settings whose storage nodes are {@code <prefix>1..3}, so tests do not share hosts. */
  static GaplessSettings settings(String prefix, int maxBuffered) {
    return settings(prefix, maxBuffered, "");
  }

  /** The same, with {@code extra} config lines taking precedence. */
  static GaplessSettings settings(String prefix, int maxBuffered, String extra) {
    return GaplessSettings.from(NodeConfig.complete(ConfigFactory.parseString(extra + "\n").withFallback(ConfigFactory.parseString(
        "gapless.node-id = gw1\n"
            + "akka.cluster.roles = [gateway]\n"
            + "gapless.storage-nodes = [" + prefix + "1, " + prefix + "2, " + prefix + "3]\n"
            + "gapless.ingest.ack-timeout = 700ms\n"
            + "gapless.ingest.retry-interval = 300ms\n"
            + "gapless.ingest.restart-backoff.min = 100ms\n"
            + "gapless.ingest.max-buffered-batches = " + maxBuffered + "\n"))));
  }

  /** A replica host that acks every batch at once and reports it to {@code seen}. */
  static Behavior<ReplicaHost.Command> fakeHost(String node, ActorRef<ReplicaProtocol.StoreBatch> seen) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(ReplicaHost.serviceKey(node), ctx.getSelf()));
      return Behaviors.receive(ReplicaHost.Command.class)
          .onMessage(ReplicaProtocol.StoreBatch.class, m -> {
            seen.tell(m);
            m.replyTo().tell(new ReplicaProtocol.StoreAck(node, m.collector(), m.seq()));
            return Behaviors.same();
          })
          .build();
    });
  }

  static List<Sample> samples(int count) {
    return IntStream.range(0, count).mapToObj(i -> new Sample("FIC101.PV", 1_700_000_000_000L + i, i, 192)).toList();
  }

  static CollectorProtocol.IngestResult ingest(ActorTestKit testKit, ActorRef<CollectorProtocol.Command> c, int samples) {
    TestProbe<CollectorProtocol.IngestResult> probe = testKit.createTestProbe();
    c.tell(new CollectorProtocol.Ingest(samples(samples), probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(10));
  }
}
