package gapless.cli;

import picocli.CommandLine.Option;

/**
 * {@code --output table|json|csv}, shared by the commands that print what they read: a table for
 * people (the default), JSON for scripts (as the API gives it), CSV for spreadsheets.
 */
public final class OutputOption {

  /** How a command prints its answer. */
  public enum Output { table, json, csv }

  @Option(names = "--output", defaultValue = "table", description = "table (default), json or csv")
  Output output = Output.table;

  public Output get() {
    return output;
  }
}
