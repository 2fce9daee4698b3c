package gapless.api;

import static gapless.model.Csv.field;

import gapless.api.dto.InterpolatedAnswer;
import gapless.model.Aggregate;
import gapless.model.IntervalSummary;
import gapless.model.Sample;
import gapless.replica.ReplicaProtocol.SampleAnswer;
import java.time.Instant;
import java.util.List;

/**
 * Query answers as CSV (RFC 4180, UTF-8, a header line) for spreadsheets and scripts: raw samples
 * as {@code tag,ts,time,value,quality}, aggregates as {@code tag,from,to,value,count},
 * interpolated values as {@code tag,ts,time,value}; times as
 * epoch ms, and ISO-8601 for people. Stopped intervals are not in the CSV (the JSON answer has them).
 */
final class Csv {

  private Csv() {}

  static final String SAMPLES_HEADER = "tag,ts,time,value,quality\n";

  static String samples(List<Sample> samples) {
    return SAMPLES_HEADER + sampleLines(samples);
  }

  /** The lines of {@code samples}, without the header. */
  static String sampleLines(List<Sample> samples) {
    StringBuilder out = new StringBuilder(samples.size() * 64);
    for (Sample s : samples) {
      out.append(field(s.tag())).append(',').append(s.ts()).append(',').append(Instant.ofEpochMilli(s.ts())).append(',')
          .append(s.value()).append(',').append(s.quality()).append('\n');
    }
    return out.toString();
  }

  static String buckets(List<SampleAnswer> answers, Aggregate agg) {
    StringBuilder out = new StringBuilder("tag,from,to,").append(agg.label()).append(",count\n");
    for (SampleAnswer a : answers) {
      String tag = field(a.tag());
      for (IntervalSummary i : a.intervals()) {
        out.append(tag).append(',').append(i.from()).append(',').append(i.to()).append(',').append(i.value(agg)).append(',')
            .append(i.count()).append('\n');
      }
    }
    return out.toString();
  }

  static String interpolated(List<InterpolatedAnswer> answers) {
    StringBuilder out = new StringBuilder("tag,ts,time,value\n");
    for (InterpolatedAnswer a : answers) {
      String tag = field(a.tag());
      for (InterpolatedAnswer.Value v : a.values()) {
        out.append(tag).append(',').append(v.ts()).append(',').append(Instant.ofEpochMilli(v.ts())).append(',').append(v.value())
            .append('\n');
      }
    }
    return out.toString();
  }
}
