package gapless.cli;

import gapless.api.dto.GapReport;
import gapless.api.dto.QueryAnswer;
import gapless.client.GaplessClient;
import gapless.model.Sample;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gapless query}: the samples of one tag of one collector, and the gaps in them. */
@Command(name = "query", mixinStandardHelpOptions = true,
    description = "Print samples of one tag as 'ts value quality' lines, then the gaps.")
public final class QueryCommand implements Callable<Integer> {

  @Option(names = "--node", required = true, converter = HttpUrlConverter.class, description = "Any node's URL")
  URI node;

  @Option(names = "--collector", required = true, description = "Collector id")
  String collector;

  @Option(names = "--tag", required = true, description = "Tag")
  String tag;

  @Option(names = "--from", description = "From, epoch ms, inclusive (default: open)")
  Long from;

  @Option(names = "--to", description = "To, epoch ms, inclusive (default: open)")
  Long to;

  @Option(names = "--limit", description = "At most this many samples")
  Integer limit;

  @Option(names = "--local", description = "Read the asked storage node's own replica (replica=local)")
  boolean local;

  @Override
  public Integer call() {
    QueryAnswer a = new GaplessClient().query(node, collector, tag, from, to, limit, local);
    for (Sample s : a.samples()) {
      System.out.println(s.ts() + " " + s.value() + " " + s.quality());
    }
    for (GapReport g : a.gaps()) {
      System.out.println("gap " + g.from() + " .. " + (g.to() == null ? "open" : g.to()) + " " + g.reason());
    }
    System.err.printf("%d samples from %s%s, %d gaps%n", a.samples().size(), a.node(),
        a.truncated() ? " (truncated: raise --limit or narrow --from/--to)" : "", a.gaps().size());
    return 0;
  }
}
