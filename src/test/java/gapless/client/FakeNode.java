package gapless.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import gapless.api.dto.ErrorAnswer;
import gapless.api.dto.GapReport;
import gapless.api.dto.IngestReceipt;
import gapless.api.dto.NodeStatus;
import gapless.api.dto.QueryAnswer;
import gapless.api.dto.ReplicaList;
import gapless.api.dto.ReplicaReport;
import gapless.api.dto.StorageNodeInfo;
import gapless.model.CollectorStatus;
import gapless.model.Sample;
import gapless.model.SampleColumns;
import gapless.model.SeqRange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A tiny in-process stand-in for one Gapless node's HTTP API (status, replicas, samples query,
 * ingest), served by the JDK's HttpServer on 127.0.0.1 and a free port, so the client-side logic
 * can be tested without a cluster. It answers with the server's own records ({@link gapless.api.dto})
 * through the contract's mapper. Tests set its replica reports and samples directly.
 */
public final class FakeNode implements AutoCloseable {

  public final String id;
  public final HttpServer server;
  public final ObjectMapper mapper = GaplessClient.newMapper();
  /** Storage nodes this fake reports in its status; shared by the fakes of one test cluster. */
  public final List<StorageNodeInfo> storageNodes;
  public final Map<String, ReplicaReport> views = new ConcurrentHashMap<>();
  public final Map<String, List<Sample>> samples = new ConcurrentHashMap<>();
  public final Map<String, Long> seqs = new ConcurrentHashMap<>();
  /** Decides the answer status of an ingest POST per collector; 200 by default. */
  public volatile Function<String, Integer> ingestStatus = c -> 200;
  public final List<String> posted = new CopyOnWriteArrayList<>();

  public FakeNode(String id, List<StorageNodeInfo> storageNodes) throws IOException {
    this.id = id;
    this.storageNodes = storageNodes;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/", this::handle);
    server.start();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public StorageNodeInfo info() {
    return new StorageNodeInfo(id, url().toString(), true);
  }

  /** A replica report without the recovery fields: recording, not recovering, no lag. */
  public static ReplicaReport report(String collector, String node, List<String> replicaSet, long contiguousSeq,
      long highestSeq, List<SeqRange> missing, long batches, long samples, long bytes, String digest,
      CollectorStatus status, List<GapReport> stops) {
    return new ReplicaReport(collector, node, replicaSet, contiguousSeq, highestSeq, missing, batches, samples, bytes,
        digest, status, stops, false, 0, Map.of(), Map.of(), null, null, false);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      String path = ex.getRequestURI().getPath();
      Map<String, String> q = query(ex.getRequestURI().getRawQuery());
      if (path.equals("/api/v1/status")) {
        send(ex, 200, new NodeStatus(id, List.of("storage"), "akka://gapless@127.0.0.1:1", List.of(),
            List.copyOf(storageNodes), new ArrayList<>(views.values())));
      } else if (path.equals("/api/v1/replicas")) {
        send(ex, 200, new ReplicaList(id, new ArrayList<>(views.values())));
      } else if (path.startsWith("/api/v1/replicas/")) {
        ReplicaReport v = views.get(path.substring("/api/v1/replicas/".length()));
        if (v == null) {
          send(ex, 404, new ErrorAnswer("no replica"));
        } else {
          send(ex, 200, v);
        }
      } else if (path.startsWith("/api/v1/collectors/") && path.endsWith("/samples") && ex.getRequestMethod().equals("GET")) {
        String c = path.split("/")[4];
        querySamples(ex, c, q);
      } else if (path.startsWith("/api/v1/collectors/") && path.endsWith("/samples")) {
        ingest(ex, path.split("/")[4]);
      } else {
        send(ex, 404, new ErrorAnswer("no route " + path));
      }
    } catch (RuntimeException e) {
      send(ex, 500, new ErrorAnswer(String.valueOf(e)));
    }
  }

  private void querySamples(HttpExchange ex, String collector, Map<String, String> q) throws IOException {
    String tag = q.get("tag");
    long from = Long.parseLong(q.getOrDefault("from", Long.toString(Long.MIN_VALUE)));
    long to = Long.parseLong(q.getOrDefault("to", Long.toString(Long.MAX_VALUE)));
    int limit = Integer.parseInt(q.getOrDefault("limit", "200000"));
    List<Sample> match = new ArrayList<>();
    for (Sample s : samples.getOrDefault(collector, List.of())) {
      if (s.tag().equals(tag) && s.ts() >= from && s.ts() <= to) {
        match.add(s);
      }
    }
    match.sort(Comparator.comparingLong(Sample::ts));
    boolean truncated = match.size() > limit;
    send(ex, 200, new QueryAnswer(collector, tag, id, truncated ? match.subList(0, limit) : match, List.of(), truncated));
  }

  private void ingest(HttpExchange ex, String collector) throws IOException {
    byte[] bytes = ex.getRequestBody().readAllBytes();
    List<Sample> sent = new ArrayList<>();
    if (SampleColumns.MEDIA_TYPE.equals(ex.getRequestHeaders().getFirst("Content-Type"))) {
      sent.addAll(SampleColumns.decode(bytes, 10_000));
    } else {
      for (JsonNode s : mapper.readTree(bytes).path("samples")) {
        sent.add(mapper.treeToValue(s, Sample.class));
      }
    }
    int status = ingestStatus.apply(collector);
    if (status >= 300) {
      send(ex, status, new ErrorAnswer("refused by test"));
      return;
    }
    long seq = seqs.merge(collector, 1L, Long::sum);
    samples.computeIfAbsent(collector, k -> new CopyOnWriteArrayList<>()).addAll(sent);
    posted.add(collector + ":" + seq);
    send(ex, status, new IngestReceipt(collector, seq, status == 200 ? 2 : 1, 2, status == 202));
  }

  private void send(HttpExchange ex, int status, Object body) throws IOException {
    byte[] bytes = mapper.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null) {
      return out;
    }
    for (String kv : raw.split("&")) {
      int i = kv.indexOf('=');
      if (i > 0) {
        out.put(kv.substring(0, i), URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
