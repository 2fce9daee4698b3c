package gapless.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.model.SeqEpochs;
import gapless.model.StopReason;
import gapless.replica.ReplicaProtocol.CollectorCommand;
import gapless.replica.ReplicaProtocol.SyncStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The host's bookkeeping of sleeping replicas, without actors (what needs the store is in ReplicaSleepTest). */
class SleepersTest {

  private static final SeqEpochs EPOCHS = new SeqEpochs(List.of(new SeqEpochs.Run(1, 10, 2)));

  private final Sleepers sleepers = new Sleepers(Duration.ofSeconds(60), "s1", null, null);

  private static Sleepers.Asleep held(long contiguous, Map<String, Long> confirmed) {
    ReplicaView view = new ReplicaView("c", "s1", List.of("s1", "s2", "s3"), contiguous, contiguous, List.of(), contiguous,
        0, 0, "0", null, List.of(), false, 0, Map.of(), confirmed, null, null, true);
    return new Sleepers.Asleep(view, EPOCHS);
  }

  @Test
  void onlyReplicasIdleForPassivateAfterAreAskedAndOnlyOnce() {
    sleepers.used("busy", 50_000);
    sleepers.used("idle", 0);
    assertEquals(List.of("idle"), sleepers.askToSleep(List.of("busy", "idle"), 60_000));
    assertTrue(sleepers.isFalling("idle"));
    assertEquals(List.of(), sleepers.askToSleep(List.of("busy", "idle"), 61_000), "asked already");
  }

  @Test
  void commandsThatArriveWhileAReplicaFallsAsleepWaitAndComeBackInOrder() {
    sleepers.used("c", 0);
    sleepers.askToSleep(List.of("c"), 60_000);
    CollectorCommand first = new ReplicaProtocol.PeerLost("c", "s2");
    CollectorCommand second = new ReplicaProtocol.PeerLost("c", "s3");
    sleepers.hold("c", first);
    sleepers.hold("c", second);
    sleepers.fellAsleep("c", held(10, Map.of()));
    assertEquals(List.of(first, second), sleepers.stopped("c"));
    assertTrue(sleepers.isAsleep("c"));
    assertFalse(sleepers.isFalling("c"));
  }

  @Test
  void aReplicaThatStaysAwakeGetsWhatWaitedAndIsCountedAsUsed() {
    sleepers.used("c", 0);
    sleepers.askToSleep(List.of("c"), 60_000);
    CollectorCommand waited = new ReplicaProtocol.PeerLost("c", "s2");
    sleepers.hold("c", waited);
    assertEquals(List.of(waited), sleepers.stayedAwake("c", 70_000));
    assertEquals(List.of(), sleepers.askToSleep(List.of("c"), 100_000), "used at 70 s");
    assertFalse(sleepers.isAsleep("c"));
  }

  @Test
  void aReplicaThatStopsWithoutSayingItSleepsFailedAndIsNotAsleep() {
    sleepers.used("c", 0);
    sleepers.askToSleep(List.of("c"), 60_000);
    assertEquals(List.of(), sleepers.stopped("c"));
    assertFalse(sleepers.isAsleep("c"));
  }

  @Test
  void aStopOfRecordingIsKeptForASleepingReplicaOnceAndRecordedWhenItWakes() {
    sleepers.used("asleep", 0);
    sleepers.used("awake", 59_000);
    sleepers.askToSleep(List.of("asleep", "awake"), 60_000);
    sleepers.fellAsleep("asleep", held(3, Map.of()));
    sleepers.stopped("asleep");

    sleepers.recordingStopped(StopReason.SERVER_OFFLINE, 61_000);
    sleepers.recordingStopped(StopReason.SHUTDOWN, 62_000);
    assertEquals(new Replica.StoppedAsleep(StopReason.SERVER_OFFLINE, 61_000), sleepers.stopToRecord("asleep").orElseThrow());
    assertTrue(sleepers.stopToRecord("asleep").isEmpty(), "recorded once");
    assertTrue(sleepers.stopToRecord("awake").isEmpty(), "an awake replica recorded it itself");
  }

  @Test
  void aStopOfRecordingForAReplicaFallingAsleepKeepsItsPlaceAmongItsCommands() {
    sleepers.used("c", 0);
    sleepers.used("quiet", 0);
    sleepers.askToSleep(List.of("c", "quiet"), 60_000);
    CollectorCommand before = new ReplicaProtocol.PeerLost("c", "s2");
    sleepers.hold("c", before);
    sleepers.recordingStopped(StopReason.SERVER_OFFLINE, 61_000);
    Replica.StoppedAsleep stop = new Replica.StoppedAsleep(StopReason.SERVER_OFFLINE, 61_000);

    sleepers.fellAsleep("c", held(3, Map.of()));
    assertEquals(List.of(before, stop), sleepers.stopped("c"), "delivered in order when the command wakes it");
    // Only a stop waited: it does not wake the replica, it waits for whatever does.
    sleepers.fellAsleep("quiet", held(3, Map.of()));
    assertEquals(List.of(), sleepers.stopped("quiet"));
    assertEquals(stop, sleepers.stopToRecord("quiet").orElseThrow());
  }

  @Test
  void aSiblingThatAppearsGetsTheEpochsItHasNotConfirmedOfEverySleepingReplicaItShares() {
    sleepers.used("c", 0);
    sleepers.askToSleep(List.of("c"), 60_000);
    sleepers.fellAsleep("c", held(10, Map.of("s2", 10L, "s3", 6L)));
    sleepers.stopped("c");
    assertEquals(List.of(new SyncStatus("c", "s1", 10, SeqEpochs.EMPTY)), sleepers.reportsTo("s2"));
    assertEquals(List.of(new SyncStatus("c", "s1", 10, new SeqEpochs(List.of(new SeqEpochs.Run(7, 10, 2))))),
        sleepers.reportsTo("s3"));
    assertEquals(List.of(), sleepers.reportsTo("s4"), "not in its set");
  }
}
