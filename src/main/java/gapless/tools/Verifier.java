package gapless.tools;

import gapless.api.dto.NodeStatus;
import gapless.api.dto.QueryAnswer;
import gapless.api.dto.ReplicaReport;
import gapless.api.dto.StorageNodeInfo;
import gapless.client.GaplessClient;
import gapless.client.GaplessClientException;
import gapless.model.Sample;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Checks that the cluster holds what it acknowledged. First the replicas: for every collector
 * found on any storage node, every member of its replica set must hold a replica, and all of
 * them must agree (same digest, same contiguous and highest seq, nothing missing). Then, with an
 * ack ledger, every ledger batch must be held by every replica, and every ledger sample must read
 * back with the same value and quality from every replica ({@code replica=local} queries), so
 * the check does not depend on which replica a normal query would pick.
 */
public final class Verifier {

  /** Problems kept per (collector, node, tag) when samples differ: enough to diagnose, not a flood. */
  private static final int MAX_SAMPLE_PROBLEMS = 3;

  private final GaplessClient client;
  private final URI node;
  private int pageSize = 50_000;
  private boolean exactlyOnce;
  private Consumer<Progress> onProgress = p -> {};

  /**
   * How far an attempt has got: collectors whose samples were read back, of those to read.
   *
   * @param attempt   1 for the first attempt, more while {@code --wait} retries
   * @param readBack  whether this attempt reads samples back (only once the replicas agree)
   */
  public record Progress(int attempt, boolean readBack, int collectorsDone, int collectors, long samplesChecked) {}

  /** @param node any node of the cluster; storage nodes are discovered from its status */
  public Verifier(GaplessClient client, URI node) {
    this.client = client;
    this.node = node;
  }

  /** Samples asked for per query; smaller pages exercise paging, larger ones save round trips. */
  public Verifier pageSize(int samples) {
    if (samples < 1) {
      throw new IllegalArgumentException("page size must be at least 1");
    }
    this.pageSize = samples;
    return this;
  }

  /**
   * Also fail when an acknowledged sample is stored more than once (same tag, time, value and
   * quality twice on a replica): a batch kept under two seqs. Off by default, because ledgers of
   * several runs over the same time window hold the same samples legitimately.
   */
  public Verifier exactlyOnce(boolean on) {
    this.exactlyOnce = on;
    return this;
  }

  /** Called as each collector's samples have been read back, and when an attempt starts. */
  public Verifier onProgress(Consumer<Progress> onProgress) {
    this.onProgress = onProgress;
    return this;
  }

  /** Verifies once; {@code ledger} may be null to compare the replicas only. */
  public VerifyReport verify(Path ledger) {
    return verify(ledger == null ? null : readLedger(ledger));
  }

  /**
   * Verifies until the report is OK or {@code wait} has passed, and returns the last report:
   * replicas settle a moment after load stops, and recovery takes its time.
   *
   * @param progress where to say why another attempt is made; null = quiet
   */
  public VerifyReport verify(Path ledger, Duration wait, PrintStream progress) {
    List<LedgerEntry> entries = ledger == null ? null : readLedger(ledger);
    long deadline = System.nanoTime() + wait.toNanos();
    for (int attempt = 1; ; attempt++) {
      VerifyReport report = verify(entries, attempt);
      long left = deadline - System.nanoTime();
      if (report.ok() || left <= 0) {
        return report;
      }
      if (progress != null) {
        progress.println("verify: not yet: " + report.verdictLine() + " (retrying for "
            + TimeUnit.NANOSECONDS.toSeconds(left) + " s more)");
      }
      LockSupport.parkNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
      if (Thread.currentThread().isInterrupted()) {
        return report;
      }
    }
  }

  /** Verifies once against already read ledger entries (null = no ledger). */
  public VerifyReport verify(List<LedgerEntry> ledger) {
    return verify(ledger, 1);
  }

  private VerifyReport verify(List<LedgerEntry> ledger, int attempt) {
    List<String> clusterProblems = new ArrayList<>();
    NodeStatus status;
    try {
      status = client.status(node);
    } catch (GaplessClientException e) {
      return new VerifyReport(List.of(), List.of("cannot ask " + node + " for the cluster status: " + e.getMessage()),
          0, 0, false, 0);
    }
    Map<String, URI> storage = new TreeMap<>();
    for (StorageNodeInfo s : status.storageNodes()) {
      if (s.http() == null || s.http().isEmpty()) {
        // Every configured storage node is listed; one that is down or not registered yet has no URL.
        clusterProblems.add("storage node " + s.node() + " is not reachable (down, restarting or not registered yet)");
        continue;
      }
      try {
        storage.put(s.node(), URI.create(s.http()));
      } catch (IllegalArgumentException e) {
        clusterProblems.add("storage node " + s.node() + " has a bad HTTP URL: " + s.http());
      }
    }
    if (storage.isEmpty()) {
      clusterProblems.add(status.node() + " knows no storage node");
    }

    // collector -> node -> view, from every storage node that answers.
    Map<String, Map<String, ReplicaReport>> views = new TreeMap<>();
    Map<String, String> unavailable = new HashMap<>();
    for (Map.Entry<String, URI> s : storage.entrySet()) {
      try {
        for (ReplicaReport v : client.replicas(s.getValue()).replicas()) {
          views.computeIfAbsent(v.collector(), k -> new TreeMap<>()).put(s.getKey(), v);
        }
      } catch (GaplessClientException e) {
        unavailable.put(s.getKey(), e.getMessage());
        clusterProblems.add("storage node " + s.getKey() + " cannot be asked: " + e.getMessage());
      }
    }

    Map<String, List<LedgerEntry>> byCollector = new TreeMap<>();
    if (ledger != null) {
      for (LedgerEntry e : ledger) {
        byCollector.computeIfAbsent(e.collector(), k -> new ArrayList<>()).add(e);
      }
    }
    TreeSet<String> collectors = new TreeSet<>(views.keySet());
    collectors.addAll(byCollector.keySet());

    List<CollectorVerdict> verdicts = new ArrayList<>();
    for (String c : collectors) {
      verdicts.add(checkReplicas(c, views.getOrDefault(c, Map.of()), storage, unavailable,
          byCollector.getOrDefault(c, List.of())));
    }

    boolean structurallyOk = clusterProblems.isEmpty() && verdicts.stream().allMatch(CollectorVerdict::ok);
    if (!structurallyOk || ledger == null) {
      onProgress.accept(new Progress(attempt, false, verdicts.size(), verdicts.size(), 0));
    }
    long ledgerBatches = ledger == null ? 0 : ledger.size();
    long checked = 0;
    boolean compared = false;
    // Reading every sample back is the expensive part: only worth it once the replicas agree.
    if (ledger != null && structurallyOk) {
      compared = true;
      List<CollectorVerdict> withSamples = new ArrayList<>();
      onProgress.accept(new Progress(attempt, true, 0, verdicts.size(), 0));
      for (CollectorVerdict v : verdicts) {
        CollectorVerdict checkedVerdict = checkSamples(v, byCollector.getOrDefault(v.collector(), List.of()), storage);
        checked += checkedVerdict.samplesChecked();
        withSamples.add(checkedVerdict);
        onProgress.accept(new Progress(attempt, true, withSamples.size(), verdicts.size(), checked));
      }
      verdicts = withSamples;
    }
    return new VerifyReport(verdicts, clusterProblems, ledgerBatches, checked, compared, storage.size());
  }

  private CollectorVerdict checkReplicas(String c, Map<String, ReplicaReport> views, Map<String, URI> storage,
      Map<String, String> unavailable, List<LedgerEntry> entries) {
    List<String> problems = new ArrayList<>();
    List<String> replicaSet = List.of();
    for (ReplicaReport v : views.values()) {
      if (replicaSet.isEmpty()) {
        replicaSet = v.replicaSet();
      } else if (!replicaSet.equals(v.replicaSet())) {
        problems.add("collector " + c + ": replica sets disagree: " + replicaSet + " vs " + v.replicaSet() + " on " + v.node());
      }
    }
    if (views.isEmpty()) {
      problems.add("collector " + c + ": in the ledger but no storage node holds a replica of it");
      return new CollectorVerdict(c, List.of(), Map.of(), entries.size(), 0, problems);
    }
    Map<String, ReplicaReport> members = new LinkedHashMap<>();
    for (String m : replicaSet) {
      ReplicaReport v = views.get(m);
      if (v != null) {
        members.put(m, v);
      } else if (unavailable.containsKey(m)) {
        problems.add("collector " + c + ": replica on " + m + " cannot be checked (node not answering)");
      } else if (!storage.containsKey(m)) {
        problems.add("collector " + c + ": replica set member " + m + " is not a registered storage node (down?)");
      } else {
        problems.add("collector " + c + ": no replica on " + m);
      }
    }
    ReplicaReport first = null;
    for (ReplicaReport v : members.values()) {
      if (v.contiguousSeq() != v.highestSeq() || !v.missing().isEmpty()) {
        problems.add("collector " + c + ": replica on " + v.node() + " is missing seqs " + v.missingText()
            + " (contiguous " + v.contiguousSeq() + ", highest " + v.highestSeq() + ")");
      }
      if (first == null) {
        first = v;
        continue;
      }
      if (!first.digest().equals(v.digest())) {
        problems.add("collector " + c + ": digest differs: " + first.node() + " " + first.shortDigest() + " vs "
            + v.node() + " " + v.shortDigest());
      }
      if (first.contiguousSeq() != v.contiguousSeq() || first.highestSeq() != v.highestSeq()) {
        problems.add("collector " + c + ": seqs differ: " + first.node() + " " + first.contiguousSeq() + "/"
            + first.highestSeq() + " vs " + v.node() + " " + v.contiguousSeq() + "/" + v.highestSeq());
      }
    }
    for (ReplicaReport v : members.values()) {
      long lacking = 0;
      long firstLacking = 0;
      for (LedgerEntry e : entries) {
        if (!v.holds(e.seq())) {
          if (lacking++ == 0) {
            firstLacking = e.seq();
          }
        }
      }
      if (lacking > 0) {
        problems.add("collector " + c + ": replica on " + v.node() + " lacks " + lacking
            + " acknowledged ledger batches (first seq " + firstLacking + ")");
      }
    }
    return new CollectorVerdict(c, replicaSet, members, entries.size(), 0, problems);
  }

  private CollectorVerdict checkSamples(CollectorVerdict v, List<LedgerEntry> entries, Map<String, URI> storage) {
    if (entries.isEmpty()) {
      return v;
    }
    List<String> problems = new ArrayList<>(v.problems());
    int maxTags = entries.stream().mapToInt(LedgerEntry::tags).max().orElse(0);
    long checked = 0;
    for (int t = 1; t <= maxTags; t++) {
      ExpectedSamples expected = ExpectedSamples.of(v.collector(), t, entries);
      if (expected.size() == 0) {
        continue;
      }
      for (String member : v.views().keySet()) {
        checked += compare(v.collector(), member, storage.get(member), SampleGenerator.tagName(t), expected, problems);
      }
    }
    return new CollectorVerdict(v.collector(), v.replicaSet(), v.views(), v.ledgerBatches(), checked, problems);
  }

  /** Reads one tag of one replica over the ledger's span and compares; returns samples compared. */
  private long compare(String collector, String member, URI uri, String tag, ExpectedSamples expected, List<String> problems) {
    List<Sample> actual = new ArrayList<>();
    long from = expected.ts[0];
    long to = expected.ts[expected.size() - 1];
    try {
      while (from <= to) {
        QueryAnswer page = client.query(uri, collector, tag, from, to, pageSize, true);
        actual.addAll(page.samples());
        if (!page.truncated() || page.samples().isEmpty()) {
          break;
        }
        from = page.samples().get(page.samples().size() - 1).ts() + 1;
      }
    } catch (GaplessClientException e) {
      problems.add("collector " + collector + ": cannot read " + tag + " from " + member + ": " + e.getMessage());
      return 0;
    }
    actual.sort(Comparator.comparingLong(Sample::ts));
    int found = 0;
    int reported = 0;
    long bad = 0;
    int a = 0;
    for (int i = 0; i < expected.size(); i++) {
      long ts = expected.ts[i];
      while (a < actual.size() && actual.get(a).ts() < ts) {
        a++;
      }
      // Several samples may share a ts (a re-run over the same window): any one may match.
      Sample sameTs = null;
      int matches = 0;
      for (int j = a; j < actual.size() && actual.get(j).ts() == ts; j++) {
        sameTs = actual.get(j);
        if (Double.compare(sameTs.value(), expected.value[i]) == 0 && sameTs.quality() == expected.quality[i]) {
          matches++;
        }
      }
      if (matches > 1 && exactlyOnce && reported++ < MAX_SAMPLE_PROBLEMS) {
        problems.add("collector " + collector + ": " + member + " " + tag + " ts=" + ts + " is stored " + matches
            + " times: a batch was kept under two seqs");
      }
      if (matches > 0) {
        found++;
        continue;
      }
      bad++;
      if (reported++ < MAX_SAMPLE_PROBLEMS) {
        problems.add("collector " + collector + ": " + member + " " + tag + " ts=" + ts + (sameTs == null
            ? " missing"
            : " has value " + sameTs.value() + " quality " + sameTs.quality() + ", acknowledged "
                + expected.value[i] + " quality " + expected.quality[i]));
      }
    }
    if (bad > MAX_SAMPLE_PROBLEMS) {
      problems.add("collector " + collector + ": " + member + " " + tag + ": " + bad + " of " + expected.size()
          + " acknowledged samples missing or different in all");
    }
    return found + bad;
  }

  private List<LedgerEntry> readLedger(Path ledger) {
    LedgerEntry.checkReadable(ledger);
    return LedgerEntry.readAll(ledger, client.mapper());
  }
}
