package gapless.model;

/** What a collector reports about itself: collecting, or deliberately stopped (a true hole). */
public enum CollectorStatus {
  RUNNING(0),
  STOPPED(1);

  private final int code;

  CollectorStatus(int code) {
    this.code = code;
  }

  /**
   * The byte {@link BatchCodec} writes for this status. Fixed per constant, not the ordinal, so
   * reordering or adding constants never changes what stored batches mean.
   */
  public int code() {
    return code;
  }

  /** The status written as {@code code}; an unknown code is corrupt or newer data, never a default. */
  public static CollectorStatus fromCode(int code) {
    for (CollectorStatus s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown collector status code " + code);
  }
}
