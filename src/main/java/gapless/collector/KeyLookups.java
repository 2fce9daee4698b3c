package gapless.collector;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.TimerScheduler;
import gapless.collector.CollectorProtocol.Command;
import gapless.collector.CollectorProtocol.Request;
import gapless.replica.ReplicaHost;
import gapless.replica.ReplicaProtocol;
import gapless.replica.ReplicaProtocol.KeyHolding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A collector owner's questions to the replicas about {@code Idempotency-Key}s it does not
 * remember (the idempotency window of the newest batch an owner before it accepted has not passed,
 * so the key may have got a seq from that owner). Each key is asked once, of every reachable replica, whatever number of
 * requests carry it meanwhile; it is decided when all of them answered, or at the timeout with at
 * least R = RF - W + 1 answers: a key whose batch was answered 200 is on W replicas, and any R
 * include one of them. With fewer, the requests are refused and nothing is kept. Used from the
 * owner's actor only.
 */
final class KeyLookups {

  record Answered(KeyHolding holding) implements Command, NoSerializationVerificationNeeded {}

  record TimedOut(String key) implements Command, NoSerializationVerificationNeeded {}

  /**
   * A decided lookup: the requests that waited for it, and what the replicas hold under the key
   * (the newest epoch's batch, if several); {@code failure} is set (and {@code found} empty) when
   * too few replicas answered.
   */
  record Decided(String key, List<Request> waiting, Optional<KeyHolding> found, String failure) {}

  private static final class Pending {
    final List<Request> waiting = new ArrayList<>();
    final Set<String> asked;
    final Map<String, KeyHolding> answers = new HashMap<>();

    Pending(Set<String> asked) {
      this.asked = Set.copyOf(asked);
    }
  }

  private final String collector;
  private final TimerScheduler<Command> timers;
  private final Duration timeout;
  private final int readQuorum;
  private final Map<String, ActorRef<ReplicaHost.Command>> hosts;
  private final Function<String, ActorRef<KeyHolding>> replies;
  private final Map<String, Pending> pending = new HashMap<>();

  /** {@code hosts}: the owner's reachable replica hosts by node, read when a key is first asked. */
  KeyLookups(String collector, TimerScheduler<Command> timers, Duration timeout, int readQuorum,
      Map<String, ActorRef<ReplicaHost.Command>> hosts, Function<String, ActorRef<KeyHolding>> replies) {
    this.collector = collector;
    this.timers = timers;
    this.timeout = timeout;
    this.readQuorum = readQuorum;
    this.hosts = hosts;
    this.replies = replies;
  }

  /** {@code r} waits for what the replicas hold under {@code key}; asked now unless asked already. */
  void lookUp(String key, Request r) {
    Pending p = pending.get(key);
    if (p == null) {
      p = new Pending(hosts.keySet());
      pending.put(key, p);
      hosts.forEach((node, h) -> h.tell(new ReplicaProtocol.FindKey(collector, key, replies.apply(node))));
      timers.startSingleTimer(new TimedOut(key), timeout);
    }
    p.waiting.add(r);
  }

  /** A replica's answer; decided once every replica asked has answered. */
  Optional<Decided> answered(KeyHolding h) {
    Pending p = pending.get(h.key());
    if (p == null || !p.asked.contains(h.node())) {
      return Optional.empty();
    }
    p.answers.put(h.node(), h);
    return p.answers.size() < p.asked.size() ? Optional.empty() : Optional.of(decide(h.key(), p));
  }

  Optional<Decided> timedOut(String key) {
    Pending p = pending.get(key);
    return p == null ? Optional.empty() : Optional.of(decide(key, p));
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  /** Every request still waiting, forgotten here (the owner stops). */
  List<Request> drain() {
    List<Request> all = new ArrayList<>();
    pending.forEach((key, p) -> {
      timers.cancel(new TimedOut(key));
      all.addAll(p.waiting);
    });
    pending.clear();
    return all;
  }

  private Decided decide(String key, Pending p) {
    pending.remove(key);
    timers.cancel(new TimedOut(key));
    if (p.answers.size() < readQuorum) {
      return new Decided(key, p.waiting, Optional.empty(), p.answers.size() + " of the " + p.asked.size()
          + " replicas asked answered whether they hold a batch sent with this Idempotency-Key, " + readQuorum
          + " are needed");
    }
    Optional<KeyHolding> found = p.answers.values().stream().filter(h -> h.batch() != null)
        .max(Comparator.comparingLong(KeyHolding::epoch));
    return new Decided(key, p.waiting, found, null);
  }
}
