package gapless.tools;

import gapless.model.Sample;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic synthetic collector data. The samples of batch {@code seq} of a collector are a
 * pure function of {@code (collector, seq, tags, samplesPerTag, stepMs, startTs)}, so one ledger
 * line is enough to regenerate, and check, every sample a gateway acknowledged.
 *
 * <p>Batch {@code seq} covers, for each tag {@code T0001.PV .. T<tags>.PV}, the times
 * {@code startTs + ((seq - 1) * samplesPerTag + i) * stepMs} for {@code i < samplesPerTag}: batches
 * of one collector never overlap in time, so a (tag, ts) pair names exactly one sample.
 */
public final class SampleGenerator {

  private SampleGenerator() {}

  /** Tag name of tag number {@code index} (1-based): {@code T0001.PV}. */
  public static String tagName(int index) {
    return String.format("T%04d.PV", index);
  }

  /** The samples of one batch, ordered by time and then by tag, as a collector would send them. */
  public static List<Sample> batch(String collector, long seq, int tags, int samplesPerTag, long stepMs, long startTs) {
    List<Sample> out = new ArrayList<>(tags * samplesPerTag);
    long collectorHash = hash(collector);
    String[] names = new String[tags];
    for (int t = 0; t < tags; t++) {
      names[t] = tagName(t + 1);
    }
    for (int i = 0; i < samplesPerTag; i++) {
      long ts = ts(seq, i, samplesPerTag, stepMs, startTs);
      for (int t = 0; t < tags; t++) {
        out.add(sample(collectorHash, names[t], t + 1, seq, i, ts));
      }
    }
    return out;
  }

  /** The samples of tag number {@code tagIndex} (1-based) in one batch, in time order. */
  public static List<Sample> tagSamples(
      String collector, long seq, int tagIndex, int samplesPerTag, long stepMs, long startTs) {
    List<Sample> out = new ArrayList<>(samplesPerTag);
    long collectorHash = hash(collector);
    String name = tagName(tagIndex);
    for (int i = 0; i < samplesPerTag; i++) {
      out.add(sample(collectorHash, name, tagIndex, seq, i, ts(seq, i, samplesPerTag, stepMs, startTs)));
    }
    return out;
  }

  /** Time of the first sample of batch {@code seq}. */
  public static long firstTs(long seq, int samplesPerTag, long stepMs, long startTs) {
    return ts(seq, 0, samplesPerTag, stepMs, startTs);
  }

  /** Time of the last sample of batch {@code seq}. */
  public static long lastTs(long seq, int samplesPerTag, long stepMs, long startTs) {
    return ts(seq, samplesPerTag - 1, samplesPerTag, stepMs, startTs);
  }

  /**
   * The JSON request body {@code {"samples":[...]}} of one batch, written by hand: the simulator
   * builds thousands of these a second and the shape is fixed and needs no escaping (tag names
   * are {@code T0001.PV} style; values are always finite).
   */
  public static byte[] jsonBody(List<Sample> samples) {
    StringBuilder sb = new StringBuilder(16 + samples.size() * 64);
    sb.append("{\"samples\":[");
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"tag\":\"").append(s.tag()).append("\",\"ts\":").append(s.ts()).append(",\"value\":");
      appendValue(sb, s.value());
      sb.append(",\"quality\":").append(s.quality()).append('}');
    }
    sb.append("]}");
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Writes a value. The generator's values are exact thousandths, written as digits directly:
   * {@code Double.toString} cost the load generator as much CPU as the cluster it was loading. Both
   * texts parse to the same double (the one nearest the same decimal).
   */
  private static void appendValue(StringBuilder sb, double value) {
    long thousandths = Math.round(value * 1000);
    // Exact test: the digits are only used when they parse back to this very double.
    if (value < 0 || thousandths / 1000.0 != value) {
      sb.append(value);
      return;
    }
    long frac = thousandths % 1000;
    sb.append(thousandths / 1000).append('.').append((char) ('0' + frac / 100))
        .append((char) ('0' + frac / 10 % 10)).append((char) ('0' + frac % 10));
  }

  private static long ts(long seq, int i, int samplesPerTag, long stepMs, long startTs) {
    return startTs + ((seq - 1) * samplesPerTag + i) * stepMs;
  }

  private static Sample sample(long collectorHash, String tag, int tagIndex, long seq, int i, long ts) {
    long h = mix(collectorHash ^ mix(seq * 0x9E3779B97F4A7C15L + tagIndex) ^ mix(((long) i << 20) + tagIndex));
    // Three decimals in 0..1000: reads like a process value, and survives any JSON round trip.
    double value = Math.floorMod(h >>> 11, 1_000_000L) / 1000.0;
    int q = (int) (h & 0xFF);
    // Mostly good (192); about 1% bad (0) and 2% uncertain (64), as real collectors deliver.
    int quality = q < 3 ? 0 : q < 8 ? 64 : 192;
    return new Sample(tag, ts, value, quality);
  }

  /** FNV-1a of the UTF-8 bytes: stable across JVMs, unlike identity hashes. */
  private static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** SplitMix64 finalizer. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
