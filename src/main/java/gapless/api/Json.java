package gapless.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gapless.api.dto.AggregateAnswer;
import gapless.api.dto.ApiJson;
import gapless.api.dto.ErrorAnswer;
import gapless.api.dto.GapReport;
import gapless.api.dto.IngestReceipt;
import gapless.api.dto.LastValues;
import gapless.api.dto.InterpolatedAnswer;
import gapless.api.dto.QueryAnswer;
import gapless.api.dto.RecoveryReport;
import gapless.api.dto.ReplicaReport;
import gapless.api.dto.ServerStopReport;
import gapless.api.dto.TagResults;
import gapless.api.dto.UnknownOutcome;
import gapless.collector.CollectorProtocol;
import gapless.model.Aggregate;
import gapless.model.Interpolation;
import gapless.model.Sample;
import gapless.model.StopInterval;
import gapless.replica.RecoveryRecord;
import gapless.replica.ReplicaProtocol;
import gapless.replica.ReplicaView;
import gapless.replica.ServerStop;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The server side of the JSON contract: maps the internal types to the records of
 * {@link gapless.api.dto} and writes them with the contract's one mapper.
 */
final class Json {

  static final ObjectMapper MAPPER = ApiJson.newMapper();

  private Json() {}

  /** {@link #write}, as UTF-8 bytes without a String between: for answers that may be large (samples). */
  static byte[] writeBytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** Any record of {@link gapless.api.dto} (or a tree) as JSON text. */
  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  static String error(String message) {
    return write(new ErrorAnswer(message));
  }

  /** The receipt of an accepted batch (stored or buffered); the other outcomes are errors. */
  static IngestReceipt receipt(CollectorProtocol.IngestResult r) {
    boolean buffered = switch (r.outcome()) {
      case STORED -> false;
      case BUFFERED -> true;
      case REJECTED, BUFFER_FULL, DISK_FULL, KEY_REUSED, UNKNOWN -> throw new IllegalStateException("no receipt for a batch that was not kept: " + r);
    };
    return new IngestReceipt(r.collector(), r.seq(), r.acks(), r.copies(), buffered);
  }

  /** A 504: the batch may or may not be kept. */
  static UnknownOutcome unknownOutcome(String collector, String error) {
    return new UnknownOutcome(collector, "unknown", error);
  }

  static QueryAnswer query(ReplicaProtocol.SampleAnswer a) {
    return new QueryAnswer(a.collector(), a.tag(), a.node(), a.decodeSamples(), gaps(a.gaps()), a.truncated());
  }

  static AggregateAnswer aggregate(ReplicaProtocol.SampleAnswer a, Aggregate agg, long intervalMs) {
    return new AggregateAnswer(a.collector(), a.tag(), a.node(), agg.label(), intervalMs, a.intervals().stream()
        .map(i -> new AggregateAnswer.Bucket(i.from(), i.to(), i.value(agg), i.count())).toList(), gaps(a.gaps()));
  }

  static InterpolatedAnswer interpolated(ReplicaProtocol.SampleAnswer a, long from, long to, long step) {
    List<InterpolatedAnswer.Value> values = Interpolation.at(a.decodeSamples(), a.gaps(), from, to, step).stream()
        .map(p -> new InterpolatedAnswer.Value(p.ts(), p.value())).toList();
    return new InterpolatedAnswer(a.collector(), a.tag(), a.node(), step, values, gaps(a.gaps()), a.truncated());
  }

  /** Each tag's last sample: the last of its one interval, when it has any. */
  static LastValues last(String collector, long at, List<ReplicaProtocol.SampleAnswer> answers) {
    List<Sample> samples = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (ReplicaProtocol.SampleAnswer a : answers) {
      a.intervals().stream().reduce((x, y) -> y).ifPresentOrElse(
          i -> samples.add(new Sample(a.tag(), i.lastTs(), i.last(), i.lastQuality())), () -> missing.add(a.tag()));
    }
    return new LastValues(collector, answers.isEmpty() ? null : answers.get(0).node(), at, samples, missing);
  }

  /** Several tags' answers in one: each as its own answer would be. */
  static TagResults tags(String collector, List<?> answers) {
    return new TagResults(collector, answers.stream().map(a -> (JsonNode) MAPPER.valueToTree(a)).toList());
  }

  static List<GapReport> gaps(List<StopInterval> stops) {
    return stops.stream().map(s -> new GapReport(s.from(), s.to(), s.reason(), s.fromSeq())).toList();
  }

  static ReplicaReport replica(ReplicaView v) {
    return new ReplicaReport(v.collector(), v.node(), v.replicaSet(), v.contiguousSeq(), v.highestSeq(), v.missing(),
        v.batches(), v.samples(), v.bytes(), v.digest(), v.status(), gaps(v.stops()), v.recovering(), v.lag(),
        v.peers(), v.confirmed(), serverStop(v.serverStop()), recovery(v.lastRecovery()), v.asleep());
  }

  static List<ReplicaReport> replicas(List<ReplicaView> views) {
    return views.stream().map(Json::replica).toList();
  }

  private static ServerStopReport serverStop(ServerStop s) {
    return s == null ? null
        : new ServerStopReport(s.reason().name(), s.contiguousSeq(), s.highestSeq(), Instant.ofEpochMilli(s.time()));
  }

  private static RecoveryReport recovery(RecoveryRecord r) {
    return r == null ? null
        : new RecoveryReport(r.ranges(), r.sources(), r.batches(), r.samples(), r.bytes(), r.millis(),
            Instant.ofEpochMilli(r.time()));
  }
}
