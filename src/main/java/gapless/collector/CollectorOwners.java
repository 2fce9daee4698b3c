package gapless.collector;

import akka.actor.typed.ActorRef;
import akka.japi.function.Function;
import gapless.collector.CollectorProtocol.IngestResult;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** Reaches each collector's one owner, wherever in the cluster it runs ({@link IngestGateway}: Cluster Sharding). */
public interface CollectorOwners {

  /** Asks {@code collector}'s owner; fails when no answer comes within {@code timeout}. */
  CompletionStage<IngestResult> ask(String collector, Function<ActorRef<IngestResult>, CollectorProtocol.Command> request,
      Duration timeout);
}
