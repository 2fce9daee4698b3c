package gapless.tools;

/** Reading one sample line of a node's Prometheus text page ({@code /metrics}). */
final class MetricLines {

  private MetricLines() {}

  /** The value of label {@code name} in {@code line}. */
  static String label(String line, String name) {
    int start = line.indexOf(name + "=\"") + name.length() + 2;
    return line.substring(start, line.indexOf('"', start));
  }

  /** The sample value: the first field after the labels (a timestamp may follow it). */
  static double value(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf('}') + 1).trim().split("\\s+")[0]);
  }
}
