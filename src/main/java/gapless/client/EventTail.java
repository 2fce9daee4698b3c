package gapless.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gapless.events.EventLog;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the per-node event files ({@code <log-dir>/<node>-events.jsonl}) of a local cluster
 * incrementally: each {@link #poll} returns the complete lines appended since the last one, from
 * every node, in time order. The files are written a line at a time and flushed, and they survive
 * {@code kill -9}, so unlike the in-memory cluster log they miss nothing a killed or partitioned
 * node emitted.
 */
public final class EventTail {

  private final Path logDir;
  private final ObjectMapper mapper = GaplessClient.newMapper();
  private final Map<Path, Long> offsets = new HashMap<>();

  public EventTail(Path logDir) {
    this.logDir = logDir;
  }

  /** Skips everything already in the files: later polls return only newer events. */
  public EventTail fromEnd() {
    for (Path f : files()) {
      try {
        offsets.put(f, Files.size(f));
      } catch (IOException e) {
        offsets.put(f, 0L);
      }
    }
    return this;
  }

  /** New complete events from every node's file since the last poll, oldest first. */
  public synchronized List<NodeEvent> poll() {
    List<NodeEvent> out = new ArrayList<>();
    for (Path f : files()) {
      long offset = offsets.getOrDefault(f, 0L);
      try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
        long length = raf.length();
        if (length < offset) {
          // The file was replaced (a node's log dir wiped): read it again from the start.
          offset = 0;
        }
        if (length == offset) {
          continue;
        }
        byte[] buf = new byte[(int) Math.min(Integer.MAX_VALUE - 8, length - offset)];
        raf.seek(offset);
        raf.readFully(buf);
        int lineStart = 0;
        for (int i = 0; i < buf.length; i++) {
          if (buf[i] == '\n') {
            parse(new String(buf, lineStart, i - lineStart, StandardCharsets.UTF_8), out);
            lineStart = i + 1;
          }
        }
        // A line still being written stays for the next poll.
        offsets.put(f, offset + lineStart);
      } catch (IOException e) {
        // A file that vanished or cannot be read now is read on a later poll.
      }
    }
    out.sort(Comparator.comparing(NodeEvent::time));
    return out;
  }

  /** Every event in the event files of {@code logDir}, oldest first. */
  public static List<NodeEvent> readAll(Path logDir) {
    return new EventTail(logDir).poll();
  }

  private void parse(String line, List<NodeEvent> out) {
    if (line.isBlank()) {
      return;
    }
    try {
      JsonNode json = mapper.readTree(line);
      if (json != null && json.isObject()) {
        out.add(NodeEvent.of(json));
      }
    } catch (IOException e) {
      // A torn last line after kill -9 is not an event.
    }
  }

  private List<Path> files() {
    if (!Files.isDirectory(logDir)) {
      return List.of();
    }
    try (var s = Files.list(logDir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(EventLog.FILE_SUFFIX)).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
