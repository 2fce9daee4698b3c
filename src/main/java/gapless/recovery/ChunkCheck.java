package gapless.recovery;

import gapless.model.BatchCodec;
import gapless.model.EncodedBatch;
import gapless.replica.ReplicaProtocol.BatchChunk;
import java.util.Optional;

/**
 * Whether a sibling's chunk may be stored: not when its source could not read the range, nor
 * when a batch in it is not what its gateway encoded (its CRC does not match). Pure.
 */
final class ChunkCheck {

  /**
   * Why a chunk is refused.
   *
   * @param seq    the first seq it concerns
   * @param detail what the {@code BATCH_CORRUPT} event says
   * @param reason why its source is dropped for the rest of the range
   */
  record Damage(long seq, String detail, String reason) {}

  private ChunkCheck() {}

  static Optional<Damage> damage(BatchChunk chunk) {
    if (chunk.failure() != null) {
      return Optional.of(new Damage(chunk.fromSeq(), chunk.failure(),
          "sibling " + chunk.node() + " could not read its batches: " + chunk.failure()));
    }
    for (EncodedBatch b : chunk.batches()) {
      if (!BatchCodec.intact(b.blob())) {
        return Optional.of(new Damage(b.seq(), "the copy of seq " + b.seq() + " from " + chunk.node()
            + " is damaged (its CRC32C does not match); taken from another sibling",
            "sibling " + chunk.node() + " sent seq " + b.seq() + " damaged"));
      }
    }
    return Optional.empty();
  }
}
