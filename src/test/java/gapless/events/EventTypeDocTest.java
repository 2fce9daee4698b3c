package gapless.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/OPERATIONS.md's event table says what {@link EventType} declares: same events, same fields. */
class EventTypeDocTest {

  private static final Path DOC = Path.of("docs", "OPERATIONS.md");
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  /** The rows of the {@code | event | meaning | fields |} table under "Reading the event log": event -> fields. */
  private static Map<String, List<String>> documented() throws IOException {
    List<String> lines = Files.readAllLines(DOC);
    int section = lines.indexOf("## Reading the event log");
    assertFalse(section < 0, "no section \"Reading the event log\" in " + DOC);
    int i = section + 1;
    while (i < lines.size() && !lines.get(i).replace(" ", "").equals("|event|meaning|fields|")) {
      assertFalse(lines.get(i).startsWith("## "), "no event table in \"Reading the event log\"");
      i++;
    }
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (i += 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String[] cells = lines.get(i).split("\\|");
      // "", event, meaning, fields: a meaning never holds a '|'.
      assertEquals(4, cells.length, "not a row of three cells: " + lines.get(i));
      String event = cells[1].trim().replace("`", "");
      // What is in parentheses is a remark about a field or its values, not a field.
      rows.put(event, codes(cells[3].replaceAll("\\([^)]*\\)", "")));
    }
    return rows;
  }

  private static List<String> codes(String cell) {
    Matcher m = CODE.matcher(cell);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void theTableListsEveryEventTypeAndNoOther() throws IOException {
    List<String> inDoc = documented().keySet().stream().sorted().toList();
    List<String> inCode = Arrays.stream(EventType.values()).map(Enum::name).sorted().toList();
    assertEquals(inCode, inDoc, "event names in " + DOC + " vs EventType");
  }

  @Test
  void eachEventHasTheFieldsItsTypeDeclaresInTheSameOrder() throws IOException {
    Map<String, List<String>> doc = documented();
    String differences = Arrays.stream(EventType.values())
        .filter(t -> doc.containsKey(t.name()))
        .filter(t -> !doc.get(t.name()).equals(t.fields().stream().map(EventField::jsonName).toList()))
        .map(t -> t + ": doc " + doc.get(t.name()) + ", code " + t.fields().stream().map(EventField::jsonName).toList())
        .collect(Collectors.joining("\n"));
    assertEquals("", differences, "fields in " + DOC + " vs EventType");
  }
}
