package gapless.store;

import gapless.model.BatchCodec;

/**
 * What the sample store holds for one seq, as a scrub compares it between replicas: the blob's
 * checksum ({@link BatchCodec#checksum}, never negative), {@link #MISSING} or {@link #DAMAGED}.
 */
public final class StoredBatch {

  /** No blob for the seq. */
  public static final long MISSING = -1;
  /** A blob that is not what the gateway encoded (its CRC does not match), or that could not be read. */
  public static final long DAMAGED = -2;

  private StoredBatch() {}

  /** The state of {@code blob} (null: missing). */
  public static long stateOf(byte[] blob) {
    if (blob == null) {
      return MISSING;
    }
    return BatchCodec.intact(blob) ? BatchCodec.checksum(blob) : DAMAGED;
  }

  /** Whether {@code state} is a good copy's checksum. */
  public static boolean isIntact(long state) {
    return state >= 0;
  }

  /** How a state reads in an event or a log line. */
  public static String describe(long state) {
    return state == MISSING ? "missing" : state == DAMAGED ? "damaged" : String.format("checksum %08x", state);
  }
}
