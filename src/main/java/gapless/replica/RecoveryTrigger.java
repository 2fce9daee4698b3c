package gapless.replica;

/** Why a recovery was asked for; shown as the {@code reason} of {@code RECOVERY_STARTED}. */
public enum RecoveryTrigger {
  /** This node became a member (start-up, or a new incarnation after being downed). */
  NODE_UP,
  /** This node sees a majority of storage nodes again after losing it. */
  REJOINED,
  /** A sibling reported a contiguous seq this replica still lacked several sync intervals later. */
  BEHIND_SIBLING;

  private static final String DETAIL_SEPARATOR = ": ";

  /**
   * The reason text a recovery carries from its request to its runner: {@code NAME}, or
   * {@code NAME: detail} when {@code detail} says what was seen. {@link #ofReason} and
   * {@link #detailOf} read it back.
   */
  public String reason(String detail) {
    return detail == null || detail.isEmpty() ? name() : name() + DETAIL_SEPARATOR + detail;
  }

  /** The trigger of a reason text made by {@link #reason}; anything else is a bug. */
  public static RecoveryTrigger ofReason(String reason) {
    int sep = reason.indexOf(DETAIL_SEPARATOR);
    String name = sep < 0 ? reason : reason.substring(0, sep);
    for (RecoveryTrigger t : values()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new IllegalStateException("Not a recovery reason: [" + reason + "]");
  }

  /** The detail of a reason text made by {@link #reason}; empty when it has none. */
  public static String detailOf(String reason) {
    int sep = reason.indexOf(DETAIL_SEPARATOR);
    return sep < 0 ? "" : reason.substring(sep + DETAIL_SEPARATOR.length());
  }
}
