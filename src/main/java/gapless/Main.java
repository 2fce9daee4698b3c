package gapless;

import gapless.cli.BenchCommand;
import gapless.cli.CertsCommand;
import gapless.cli.ChaosCommand;
import gapless.cli.CliErrors;
import gapless.cli.DemoCommand;
import gapless.cli.EventsCommand;
import gapless.cli.NodeCommand;
import gapless.cli.QueryCommand;
import gapless.cli.SimulateCommand;
import gapless.cli.StatusCommand;
import gapless.cli.VerifyCommand;
import gapless.tools.LoadJvm;
import java.io.IOException;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code gapless} command line: one executable jar for the cluster node and every tool
 * around it (demo, chaos checker, load simulator, status, query, verification, event log, benchmark).
 */
@Command(
    name = "gapless",
    mixinStandardHelpOptions = true,
    version = "gapless 0.1.0",
    description = "Gapless: a replicated historian on an Akka cluster.",
    subcommands = {
      // node: the cluster node itself; owned by the node code, the rest are client-side tools.
      NodeCommand.class,
      DemoCommand.class,
      ChaosCommand.class,
      SimulateCommand.class,
      StatusCommand.class,
      QueryCommand.class,
      VerifyCommand.class,
      EventsCommand.class,
      CertsCommand.class,
      BenchCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) throws IOException, InterruptedException {
    OptionalInt relaunched = LoadJvm.relaunch(args);
    if (relaunched.isPresent()) {
      System.exit(relaunched.getAsInt());
    }
    poolAsyncCallbacks();
    System.exit(commandLine().execute(args));
  }

  /**
   * With fewer than 3 CPUs the JDK sizes its common ForkJoinPool below 2, and then every
   * CompletableFuture callback run "async" without an executor starts a thread of its own. Akka's
   * Java API hands out such futures (asks, reading a request entity): Scala's future converters run
   * their thenApply and thenCompose async. On a 2-CPU machine a gateway started several threads per
   * request (6% of its CPU in a profile, and more in the context switches). Two pooled workers,
   * unless the operator set the property; it must be set before anything uses the pool.
   */
  static void poolAsyncCallbacks() {
    String parallelism = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(parallelism) == null && Runtime.getRuntime().availableProcessors() < 3) {
      System.setProperty(parallelism, "2");
    }
  }

  /** The configured command line: one-line errors for anything a user can cause, no stack traces. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(CliErrors::onExecutionException);
    cl.setParameterExceptionHandler(CliErrors::onParameterException);
    return cl;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }
}
