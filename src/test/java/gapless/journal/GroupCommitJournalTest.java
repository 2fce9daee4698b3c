package gapless.journal;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.persistence.AtomicWrite;
import akka.persistence.PersistentRepr;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import com.typesafe.config.ConfigFactory;
import gapless.TestConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The group-committed journal on real LevelDB: many persistent actors writing at once all replay
 * what they were acked for, and its journal and Akka's own read each other's.
 */
class GroupCommitJournalTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String AKKAS = "akka.persistence.journal.leveldb.LeveldbJournal";
  private static final String OURS = GroupCommitJournal.class.getName();

  record Add(int amount, ActorRef<Integer> replyTo) implements NoSerializationVerificationNeeded {}

  /** Sums what it was asked to add; each addition an event (a String, Akka's own serializer). */
  static final class Counter extends EventSourcedBehavior<Add, String, Integer> {
    Counter(String id) {
      super(PersistenceId.of("counter", id));
    }

    @Override
    public Integer emptyState() {
      return 0;
    }

    @Override
    public CommandHandler<Add, String, Integer> commandHandler() {
      return newCommandHandlerBuilder().forAnyState()
          .onCommand(Add.class, (sum, add) -> Effect().persist(Integer.toString(add.amount())).thenReply(add.replyTo(), s -> s))
          .build();
    }

    @Override
    public EventHandler<Integer, String> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((sum, e) -> sum + Integer.parseInt(e));
    }
  }

  @Test
  void manyActorsWritingAtOnceReplayEverythingTheyWereAckedFor() throws IOException {
    Path dir = Files.createTempDirectory("group-commit-journal");
    int actors = 60;
    int adds = 25;
    run(dir, OURS, kit -> {
      TestProbe<Integer> acks = kit.createTestProbe();
      List<ActorRef<Add>> counters = spawn(kit, actors);
      // Every actor has a write in flight at once, so writes from many ids share the journal's syncs.
      for (int i = 1; i <= adds; i++) {
        for (ActorRef<Add> counter : counters) {
          counter.tell(new Add(i, acks.getRef()));
        }
      }
      List<Integer> answers = acks.receiveSeveralMessages(actors * adds, WAIT);
      assertEquals(adds * (adds + 1) / 2, answers.stream().mapToInt(Integer::intValue).max().orElseThrow());
    });
    run(dir, OURS, kit -> {
      TestProbe<Integer> sums = kit.createTestProbe();
      for (ActorRef<Add> counter : spawn(kit, actors)) {
        counter.tell(new Add(0, sums.getRef()));
        assertEquals(adds * (adds + 1) / 2, sums.receiveMessage(WAIT));
      }
    });
  }

  @Test
  void readsAkkasJournalAndAkkaReadsIts() throws IOException {
    Path dir = Files.createTempDirectory("group-commit-journal-format");
    run(dir, AKKAS, kit -> assertEquals(List.of(1, 3), addAll(kit, 1, 2)));
    run(dir, OURS, kit -> assertEquals(List.of(6, 10), addAll(kit, 3, 4)));
    run(dir, AKKAS, kit -> assertEquals(List.of(15), addAll(kit, 5)));
  }

  /** Adds each amount to counters a and b in turn; a's answers. */
  private static List<Integer> addAll(ActorTestKit kit, int... amounts) {
    TestProbe<Integer> a = kit.createTestProbe();
    TestProbe<Integer> b = kit.createTestProbe();
    List<ActorRef<Add>> counters = spawn(kit, 2);
    List<Integer> answers = new ArrayList<>();
    for (int amount : amounts) {
      counters.get(0).tell(new Add(amount, a.getRef()));
      counters.get(1).tell(new Add(amount, b.getRef()));
      answers.add(a.receiveMessage(WAIT));
      assertEquals(answers.get(answers.size() - 1), b.receiveMessage(WAIT));
    }
    return answers;
  }

  private static List<ActorRef<Add>> spawn(ActorTestKit kit, int n) {
    List<ActorRef<Add>> counters = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Behavior<Add> counter = new Counter("c-" + i);
      counters.add(kit.spawn(counter, "counter-" + i));
    }
    return counters;
  }

  /** One actor system on {@code dir} with the given journal class, shut down (LevelDB closed) after {@code body}. */
  private static void run(Path dir, String journalClass, Consumer<ActorTestKit> body) {
    ActorTestKit kit = ActorTestKit.create("GroupCommitJournalTest",
        ConfigFactory.parseString("akka.persistence.journal.leveldb.class = \"" + journalClass + "\"")
            .withFallback(TestConfig.withDataDir(dir)));
    try {
      body.accept(kit);
    } finally {
      kit.shutdownTestKit();
    }
  }

  record Confirmation() implements Unsynced {}

  @Test
  void aWriteSkipsTheFsyncOnlyWhenEveryEventInItIsUnsynced() {
    AtomicWrite unsynced = write(new Confirmation(), new Confirmation());
    AtomicWrite mixed = write(new Confirmation(), "a batch");
    assertFalse(GroupCommitJournal.needsSync(List.of(unsynced)));
    assertFalse(GroupCommitJournal.needsSync(List.of(unsynced, unsynced)));
    assertTrue(GroupCommitJournal.needsSync(List.of(mixed)));
    assertTrue(GroupCommitJournal.needsSync(List.of(unsynced, write("a batch"))));
  }

  private static AtomicWrite write(Object... events) {
    List<PersistentRepr> reprs = new ArrayList<>();
    for (int i = 0; i < events.length; i++) {
      reprs.add(PersistentRepr.apply(events[i], i + 1, "counter|a", "", false, null, ""));
    }
    return AtomicWrite.apply(CollectionConverters.asScala(reprs).toList());
  }
}
