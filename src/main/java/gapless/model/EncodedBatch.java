package gapless.model;

import gapless.CborSerializable;
import java.util.Arrays;

/**
 * One batch as its {@link BatchCodec} bytes, with the seq it was stored under: the unit that moves
 * between the sample store, replicas and recovery without being decoded.
 *
 * <p>Equality and hash compare the blob contents, not the array reference a record would use.
 *
 * @param seq  per-collector sequence number of the batch
 * @param blob the encoded batch, exactly as stored; callers must not modify it
 */
public record EncodedBatch(long seq, byte[] blob) implements CborSerializable {

  public EncodedBatch {
    if (blob == null) {
      throw new IllegalArgumentException("blob is null");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncodedBatch other && seq == other.seq && Arrays.equals(blob, other.blob);
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(seq) + Arrays.hashCode(blob);
  }

  @Override
  public String toString() {
    return "EncodedBatch[seq=" + seq + ", bytes=" + blob.length + "]";
  }
}
