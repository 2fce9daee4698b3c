package gapless.supervision;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import gapless.events.ClusterEvents;
import gapless.events.EventLog;
import gapless.model.RecoveryTrigger;
import gapless.replica.ReplicaHost;
import gapless.store.DiskSpace;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Watches the free space of the node's LevelDB directories (the sample store, the gateway buffer)
 * against their reserve. Writes check it themselves and are refused while it is low; this only
 * turns the changes into events: {@code STORE_FAILED} (reason {@code DISK_FULL}) when a disk goes
 * below its reserve, {@code STORE_RESUMED} when it has room again, and then, for the sample
 * store, a {@code DISK_FREED} recovery of every replica, which fetches what was refused meanwhile
 * from the siblings. Holds no other logic.
 */
public final class DiskWatch {

  /** Local only: a timer. */
  public enum Command implements NoSerializationVerificationNeeded { CHECK }

  private DiskWatch() {}

  /**
   * @param disks the node's watched directories; the first is the sample store's when {@code host} is present
   * @param host  the replica host of a storage node, told to recover when the store's disk has room again
   */
  public static Behavior<Command> create(String nodeId, Duration checkEvery, List<DiskSpace> disks,
      Optional<ActorRef<ReplicaHost.Command>> host, ActorRef<EventLog.Command> eventLog) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Command.CHECK, Duration.ZERO, checkEvery);
      Set<DiskSpace> low = new HashSet<>();
      return Behaviors.receiveMessage(check -> {
        for (DiskSpace disk : disks) {
          long free = disk.usable();
          boolean isLow = free < disk.reserve();
          if (isLow && low.add(disk)) {
            String detail = disk.describe(free) + "; writes there are refused until space is freed";
            ctx.getLog().warn("[{}]: {}", nodeId, detail);
            eventLog.tell(new EventLog.Emit(ClusterEvents.storeFailed(nodeId, "DISK_FULL", detail)));
          } else if (!isLow && low.remove(disk)) {
            String detail = disk.dir() + ": " + DiskSpace.mib(free) + " free, above the " + DiskSpace.mib(disk.reserve())
                + " reserve again; writes go on";
            ctx.getLog().info("[{}]: {}", nodeId, detail);
            eventLog.tell(new EventLog.Emit(ClusterEvents.storeResumed(nodeId, detail)));
            if (disk == disks.get(0)) {
              host.ifPresent(h -> h.tell(new ReplicaHost.RecoverAll(RecoveryTrigger.DISK_FREED)));
            }
          }
        }
        return Behaviors.same();
      });
    }));
  }
}
