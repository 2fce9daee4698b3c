package gapless.model;

import java.io.PrintStream;
import java.util.List;

/**
 * Rows as CSV (RFC 4180): a field is quoted when it holds a comma, a quote or a line break (a tag
 * may hold any printable Unicode). What the API's CSV answers and the CLI's {@code --output csv} share.
 */
public final class Csv {

  private Csv() {}

  public static void print(PrintStream out, List<String> header, List<List<String>> rows) {
    out.println(line(header));
    rows.forEach(r -> out.println(line(r)));
  }

  public static String line(List<String> fields) {
    return String.join(",", fields.stream().map(Csv::field).toList());
  }

  public static String field(String s) {
    boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
    return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }
}
