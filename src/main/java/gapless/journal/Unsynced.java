package gapless.journal;

/**
 * An event the journal may write without an fsync: losing it in a power cut costs only work done
 * again (a confirmation made again, a recovery that reads a little more), never an acknowledged
 * batch. LevelDB appends to one log, so a power cut loses only a tail of unsynced writes: a
 * synced write after them (any persistent actor's on the node) makes them durable too. A process
 * crash loses nothing: the write is in the operating system once LevelDB returns.
 */
public interface Unsynced {}
