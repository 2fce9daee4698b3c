package gapless.model;

/** What a collector reports about itself: collecting, or deliberately stopped (a true hole). */
public enum CollectorStatus {
  RUNNING,
  STOPPED
}
