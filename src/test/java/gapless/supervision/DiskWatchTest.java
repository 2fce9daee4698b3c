package gapless.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import gapless.events.ClusterEvent;
import gapless.events.EventField;
import gapless.events.EventLog;
import gapless.events.EventType;
import gapless.model.RecoveryTrigger;
import gapless.replica.ReplicaHost;
import gapless.store.DiskSpace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DiskWatchTest {

  private static ActorTestKit testKit;

  @BeforeAll
  static void setUp() {
    testKit = ActorTestKit.create("DiskWatchTest");
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private static ClusterEvent nextEvent(TestProbe<EventLog.Command> log) {
    return ((EventLog.Emit) log.receiveMessage(Duration.ofSeconds(5))).event();
  }

  @Test
  void aDiskBelowItsReserveIsReportedOnceAndItsReturnStartsTheRecoveryOfEveryReplica() {
    AtomicLong samplesFree = new AtomicLong(1L << 30);
    AtomicLong bufferFree = new AtomicLong(1L << 30);
    DiskSpace samples = DiskSpace.of(Path.of("data/s1/samples"), 1 << 20, samplesFree::get);
    DiskSpace buffer = DiskSpace.of(Path.of("data/s1/buffer"), 1 << 20, bufferFree::get);
    TestProbe<EventLog.Command> log = testKit.createTestProbe();
    TestProbe<ReplicaHost.Command> host = testKit.createTestProbe();
    testKit.spawn(DiskWatch.create("s1", Duration.ofMillis(50), List.of(samples, buffer), Optional.of(host.getRef()), log.getRef()));
    log.expectNoMessage(Duration.ofMillis(200));

    samplesFree.set(1000);
    ClusterEvent full = nextEvent(log);
    assertEquals(EventType.STORE_FAILED, full.event());
    assertEquals("DISK_FULL", full.get(EventField.REASON));
    assertTrue(String.valueOf(full.get(EventField.DETAIL)).startsWith("data/s1/samples: 0 MiB free, below the 1 MiB reserve"),
        String.valueOf(full.get(EventField.DETAIL)));
    log.expectNoMessage(Duration.ofMillis(200));

    // The buffer's disk coming back starts no recovery; the store's does.
    bufferFree.set(1000);
    assertEquals(EventType.STORE_FAILED, nextEvent(log).event());
    bufferFree.set(1L << 30);
    assertEquals(EventType.STORE_RESUMED, nextEvent(log).event());
    host.expectNoMessage(Duration.ofMillis(200));
    samplesFree.set(1L << 30);
    assertEquals(EventType.STORE_RESUMED, nextEvent(log).event());
    assertEquals(new ReplicaHost.RecoverAll(RecoveryTrigger.DISK_FREED), host.receiveMessage(Duration.ofSeconds(5)));
  }
}
