package gapless.cli;

import gapless.client.GaplessClientException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * How the CLI reports failures: one line on stderr and a non-zero exit code, never a stack trace.
 * Exit codes: 1 is reserved for "ran, and the answer is no" (verify failed), 2 for bad usage,
 * 3 for a failure while running (node unreachable, error answer, unexpected exception).
 */
public final class CliErrors {

  public static final int USAGE = 2;
  public static final int RUNTIME = 3;

  private CliErrors() {}

  public static int onParameterException(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(cmd.getCommandSpec().qualifiedName() + ": " + GaplessClientException.oneLine(e.getMessage())
        + " (try: " + cmd.getCommandSpec().qualifiedName() + " --help)");
    err.flush();
    return USAGE;
  }

  public static int onExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    err.println(cmd.getCommandSpec().qualifiedName() + ": " + GaplessClientException.describe(e));
    err.flush();
    return RUNTIME;
  }
}
