package gapless.cli;

import com.fasterxml.jackson.databind.JsonNode;
import gapless.client.GaplessClient;
import gapless.client.GaplessClientException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gapless query}: raw samples or per-interval aggregates of one or more tags of one
 * collector, and the gaps in them; the same parameters as the HTTP query, which checks them.
 */
@Command(name = "query", mixinStandardHelpOptions = true,
    description = "Print samples (or aggregates per interval) of one or more tags, then the gaps.")
public final class QueryCommand implements Callable<Integer> {

  @Mixin
  ClientOptions clientOptions = new ClientOptions();

  @Option(names = "--node", required = true, converter = HttpUrlConverter.class, description = "Any node's URL")
  URI node;

  @Option(names = "--collector", required = true, description = "Collector id")
  String collector;

  @Option(names = "--tag", required = true, description = "Tag (repeat for several)")
  List<String> tags = new ArrayList<>();

  @Option(names = "--from", description = "From, inclusive: epoch ms, ISO-8601, now, or relative (-1h, now-15m); default: open")
  String from;

  @Option(names = "--to", description = "To, inclusive, in the same forms (default: open; now with --interval)")
  String to;

  @Option(names = "--limit", description = "At most this many samples per tag")
  Integer limit;

  @Option(names = "--interval", description = "Aggregate per interval: 500ms, 10s, 1m, 1h, 1d (with --agg)")
  String interval;

  @Option(names = "--agg", description = "avg, min, max, first, last or count (with --interval)")
  String agg;

  @Option(names = "--interpolate", description = "Values at this step, interpolated between samples, never across a gap: 10s, 1m")
  String interpolate;

  @Option(names = "--local", description = "Read the asked storage node's own replica (replica=local)")
  boolean local;

  @Mixin
  OutputOption output = new OutputOption();

  @Override
  public Integer call() {
    GaplessClient client = clientOptions.client();
    Map<String, String> params = new LinkedHashMap<>();
    params.put("from", from);
    params.put("to", to);
    params.put("limit", limit == null ? null : limit.toString());
    params.put("interval", interval);
    params.put("agg", agg);
    params.put("interpolate", interpolate);
    params.put("replica", local ? "local" : null);
    params.put("format", output.get() == OutputOption.Output.csv ? "csv" : null);
    String body = client.getText(node, GaplessClient.samplesPath(collector, tags, params));
    if (output.get() != OutputOption.Output.table) {
      System.out.print(body.endsWith("\n") ? body : body + "\n");
      return 0;
    }
    JsonNode answer;
    try {
      answer = client.mapper().readTree(body);
    } catch (IOException e) {
      throw new GaplessClientException("unexpected answer from " + node + ": " + GaplessClientException.oneLine(body));
    }
    JsonNode results = answer.has("results") ? answer.get("results") : client.mapper().createArrayNode().add(answer);
    results.forEach(QueryCommand::printTable);
    return 0;
  }

  /**
   * One tag's answer: a line per sample ({@code tag ts value quality}), per interval ({@code tag
   * from to value count}) or per interpolated value ({@code tag ts value}), then its gaps.
   */
  private static void printTable(JsonNode a) {
    String tag = a.get("tag").asText();
    String what = a.has("buckets") ? "intervals of " + a.get("agg").asText() : a.has("values") ? "interpolated values" : "samples";
    JsonNode rows = a.has("buckets") ? a.get("buckets") : a.has("values") ? a.get("values") : a.get("samples");
    for (JsonNode r : rows) {
      System.out.println(tag + " " + (r.has("from") ? r.get("from").asLong() + " " + r.get("to").asLong() : r.get("ts").asLong())
          + " " + r.get("value").asDouble() + (r.has("count") ? " " + r.get("count").asLong() : "")
          + (r.has("quality") ? " " + r.get("quality").asInt() : ""));
    }
    for (JsonNode g : a.get("gaps")) {
      System.out.println("gap " + g.get("from").asLong() + " .. " + (g.get("to").isNull() ? "open" : g.get("to").asLong()) + " "
          + g.get("reason").asText());
    }
    System.err.printf("%s: %d %s from %s%s, %d gaps%n", tag, rows.size(), what, a.get("node").asText(),
        a.path("truncated").asBoolean() ? " (truncated: raise --limit or narrow --from/--to)" : "", a.get("gaps").size());
  }
}
