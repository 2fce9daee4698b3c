package gapless.cli;

import gapless.client.GaplessClient;
import gapless.tools.StatusPrinter;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gapless status}: cluster members and every replica, as one node sees the cluster. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Print cluster members and the replica table of every storage node.")
public final class StatusCommand implements Callable<Integer> {

  @Option(names = "--node", required = true, converter = HttpUrlConverter.class,
      description = "Any node's URL, e.g. http://127.0.0.1:8081")
  URI node;

  @Override
  public Integer call() {
    new StatusPrinter(new GaplessClient()).print(node, System.out);
    return 0;
  }
}
