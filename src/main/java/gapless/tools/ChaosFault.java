package gapless.tools;

import gapless.client.NodeEvent;
import gapless.events.EventField;
import gapless.events.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * One fault the chaos checker injected, and how the cluster came through it.
 *
 * @param target   the node it hit (the first node of a link)
 * @param other    the other end of a link, the batches damaged in a store, or null
 * @param injected when it was injected
 * @param healed   when it was taken away (the node restarted or resumed, the link or disk given back)
 * @param back     how long after {@code healed} every node was Up and every replica held what any
 *                 replica held at {@code healed}; null when not within the bound
 */
public record ChaosFault(Kind kind, String target, String other, Instant injected, Instant healed, Duration back) {

  /** What the checker injects. */
  public enum Kind {
    KILL("kill -9"),
    PAUSE("SIGSTOP past the downing"),
    PARTITION("partition"),
    ONE_WAY("one-way partition"),
    SLOW_LINK("slow link (1 Mbit/s)"),
    DISK_FULL("full disk"),
    DAMAGED_STORE("damaged store");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public String describe() {
    return switch (kind) {
      case PARTITION -> kind.label() + " " + target + " <-> " + other;
      case ONE_WAY -> kind.label() + " " + target + " -> " + other;
      case SLOW_LINK -> kind.label() + " " + other + " -> " + target;
      case DAMAGED_STORE -> kind.label() + " " + target + " (" + other + ")";
      default -> kind.label() + " " + target;
    };
  }

  /**
   * Whether the event log tells this fault and what healed it: a node lost is seen unreachable by
   * another node (and, for a storage node, recovers every replica afterwards); a cut link is seen
   * as an unreachable member at one end; a full disk is reported and its return too; a damaged
   * store is found and repaired by the node's scrub. A slow link may pass unnoticed (the other
   * replicas answer): nothing is required of it.
   */
  public boolean explainedBy(List<NodeEvent> events, boolean storage) {
    Predicate<NodeEvent> sinceInjected = e -> !e.time().isBefore(injected);
    return switch (kind) {
      case KILL, PAUSE -> events.stream().filter(sinceInjected).anyMatch(e -> e.is(EventType.MEMBER_UNREACHABLE)
          && target.equals(e.peer()) && !target.equals(e.node()))
          && (!storage || events.stream().anyMatch(e -> !e.time().isBefore(healed) && e.is(EventType.RECOVERY_COMPLETED)
              && target.equals(e.node())));
      case PARTITION, ONE_WAY -> events.stream().filter(sinceInjected).anyMatch(e -> e.is(EventType.MEMBER_UNREACHABLE)
          && (target.equals(e.peer()) || other.equals(e.peer())));
      case SLOW_LINK -> true;
      case DAMAGED_STORE -> events.stream().anyMatch(e -> !e.time().isBefore(healed) && e.is(EventType.REPLICA_DIVERGED)
          && target.equals(e.node()))
          && events.stream().anyMatch(e -> !e.time().isBefore(healed) && e.is(EventType.REPLICA_REPAIRED) && target.equals(e.node()));
      case DISK_FULL -> events.stream().filter(sinceInjected).anyMatch(e -> e.is(EventType.STORE_FAILED)
          && target.equals(e.node()) && "DISK_FULL".equals(e.text(EventField.REASON)))
          && events.stream().anyMatch(e -> !e.time().isBefore(healed) && e.is(EventType.STORE_RESUMED) && target.equals(e.node()));
    };
  }
}
