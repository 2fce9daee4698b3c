package gapless;

import gapless.cli.NodeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gapless} command line: one subcommand per task. */
@Command(name = "gapless", mixinStandardHelpOptions = true, version = "gapless 0.1",
    description = "Replicated historian for industrial collector data.",
    subcommands = {NodeCommand.class})
public final class Main {

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
