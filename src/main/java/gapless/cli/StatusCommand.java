package gapless.cli;

import gapless.tools.StatusPrinter;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gapless status}: cluster members and every replica, as one node sees the cluster. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Print cluster members and the replica table of every storage node (--output json: all of it; csv: the replicas).")
public final class StatusCommand implements Callable<Integer> {

  @Mixin
  ClientOptions clientOptions = new ClientOptions();

  @Option(names = "--node", required = true, converter = HttpUrlConverter.class,
      description = "Any node's URL, e.g. http://127.0.0.1:8081")
  URI node;

  @Mixin
  OutputOption output = new OutputOption();

  @Override
  public Integer call() {
    StatusPrinter printer = new StatusPrinter(clientOptions.client());
    StatusPrinter.ClusterView view = printer.read(node);
    switch (output.get()) {
      case table -> printer.printTable(view, System.out);
      case json -> printer.printJson(view, System.out);
      case csv -> printer.printCsv(view, System.out);
    }
    return 0;
  }
}
