package gapless.model;

/**
 * A period in which the collector produced nothing on purpose (it reported STOPPED). A true hole:
 * reported by queries as a gap, never fetched by recovery.
 *
 * @param from    gateway time of the STOPPED status, epoch ms
 * @param to      gateway time of the following RUNNING status, or null while still stopped
 * @param reason  the reason the collector gave
 * @param fromSeq seq of the STOPPED status change
 */
public record StopInterval(long from, Long to, String reason, long fromSeq) {

  public StopInterval closedAt(long time) {
    return new StopInterval(from, time, reason, fromSeq);
  }

  public boolean overlaps(long fromTs, long toTs) {
    return from <= toTs && (to == null || to >= fromTs);
  }
}
