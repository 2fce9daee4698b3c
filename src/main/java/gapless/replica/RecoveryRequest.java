package gapless.replica;

import com.fasterxml.jackson.annotation.JsonCreator;
import gapless.CborSerializable;
import gapless.model.RecoveryTrigger;

/**
 * What the replicas of a node ask of the node's recovery runner. The runner lives in another
 * package and accepts these (plus its own private messages); the replica package only knows this
 * protocol, so neither package imports the other's actors.
 */
public interface RecoveryRequest extends CborSerializable {

  /** Recover one collector's replica on this node; {@code detail} says what was seen (may be empty). */
  record Recover(String collector, RecoveryTrigger trigger, String detail) implements RecoveryRequest {}

  /** Recover every replica this node holds. */
  record RecoverAll(RecoveryTrigger trigger) implements RecoveryRequest {
    @JsonCreator
    public RecoverAll {}
  }
}
