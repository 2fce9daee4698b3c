package gapless.replica;

import akka.actor.NoSerializationVerificationNeeded;
import gapless.model.RecoveryTrigger;

/**
 * What the replicas of a node ask of the node's recovery runner. The runner lives in another
 * package and accepts these (plus its own private messages); the replica package only knows this
 * protocol, so neither package imports the other's actors. Local only: a node's recoveries are
 * its own business, so no other node can start or steer them.
 */
public interface RecoveryRequest extends NoSerializationVerificationNeeded {

  /** Recover one collector's replica on this node; {@code detail} says what was seen (may be empty). */
  record Recover(String collector, RecoveryTrigger trigger, String detail) implements RecoveryRequest {}

  /** Recover every replica this node holds. */
  record RecoverAll(RecoveryTrigger trigger) implements RecoveryRequest {}
}
