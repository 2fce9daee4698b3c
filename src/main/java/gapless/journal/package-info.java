/**
 * The node's Akka Persistence journal: Akka's LevelDB journal, its writes group-committed across
 * persistent actors ({@link gapless.journal.GroupCommitJournal}).
 */
package gapless.journal;
