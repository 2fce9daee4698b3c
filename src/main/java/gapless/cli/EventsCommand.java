package gapless.cli;

import com.fasterxml.jackson.databind.JsonNode;
import gapless.client.GaplessClient;
import gapless.client.NodeEvent;
import gapless.model.Csv;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gapless events}: the cluster event log, recent events or followed live. */
@Command(name = "events", mixinStandardHelpOptions = true,
    description = "Print cluster events as 'time node EVENT key=value ...' (--output json: one JSON object a line; csv);"
        + " --follow streams them until interrupted.")
public final class EventsCommand implements Callable<Integer> {

  @Mixin
  ClientOptions clientOptions = new ClientOptions();

  private static final Set<String> HEAD = Set.of("time", "node", "event");
  private static final List<String> CSV_HEADER = List.of("id", "time", "node", "event", "fields");

  @Option(names = "--node", required = true, converter = HttpUrlConverter.class, description = "Any node's URL")
  URI node;

  @Option(names = "--follow", description = "Keep streaming new events")
  boolean follow;

  @Option(names = "--limit", defaultValue = "100", description = "Recent events to print first (default: ${DEFAULT-VALUE})")
  int limit;

  @Mixin
  OutputOption output = new OutputOption();

  @Override
  public Integer call() {
    GaplessClient client = clientOptions.client();
    if (output.get() == OutputOption.Output.csv) {
      System.out.println(Csv.line(CSV_HEADER));
    }
    if (follow) {
      client.followEvents(node, limit, e -> {
        System.out.println(line(e));
        System.out.flush();
      });
      return 0;
    }
    for (JsonNode e : client.events(node, limit)) {
      System.out.println(line(e));
    }
    return 0;
  }

  /** One event as {@code --output} asks: the table line, the event's JSON object (JSON Lines), or a CSV row. */
  private String line(JsonNode e) {
    return switch (output.get()) {
      case table -> format(e);
      case json -> e.toString();
      case csv -> Csv.line(List.of(e.path("id").asText(""), e.path("time").asText(""), e.path("node").asText(""),
          e.path("event").asText(""), NodeEvent.fieldsText(e, Set.of("id", "time", "node", "event"))));
    };
  }

  /** {@code time node EVENT key=value ...}, the event's own fields (with its id) in the order the node sent them. */
  public static String format(JsonNode e) {
    String fields = NodeEvent.fieldsText(e, HEAD);
    return e.path("time").asText("-") + ' ' + e.path("node").asText("-") + ' ' + e.path("event").asText("?")
        + (fields.isEmpty() ? "" : " " + fields);
  }
}
