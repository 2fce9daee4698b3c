package gapless.api;

import gapless.collector.IngestParser.InvalidInput;
import gapless.config.GaplessSettings.QuerySettings;
import gapless.model.Aggregate;
import gapless.model.Validation;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sample query's parameters, checked: {@code tag} (once or more), {@code from} and {@code to}
 * (epoch ms, ISO-8601, {@code now}, or relative to now: {@code -1h}, {@code now-15m}), {@code limit},
 * {@code replica=local}, {@code interval} with {@code agg} (per-interval aggregates), {@code
 * interpolate} (values at that step), {@code format=json|csv|binary} (binary: raw samples only,
 * {@link gapless.api.dto.ColumnAnswers}). Anything else, or a value out of shape, is an {@link
 * InvalidInput} saying what.
 *
 * @param intervalMs 0 unless aggregated
 * @param aggregate  null unless aggregated
 * @param stepMs     0 unless interpolated
 */
record QueryParams(List<String> tags, long from, long to, int limit, boolean local, long intervalMs, Aggregate aggregate,
    long stepMs, Format format) {

  /** How the answer is written. */
  enum Format { JSON, CSV, BINARY }

  private static final Set<String> KNOWN = Set.of("tag", "from", "to", "limit", "replica", "interval", "agg", "interpolate", "format");
  /** At most this many tags in one request: each is one read of the replica. */
  static final int MAX_TAGS = 100;
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");
  private static final Pattern RELATIVE = Pattern.compile("(?:now)?-(\\d+(?:ms|s|m|h|d|w))");

  static QueryParams parse(Map<String, List<String>> params, long now, QuerySettings settings) {
    for (String name : params.keySet()) {
      if (!KNOWN.contains(name)) {
        throw new InvalidInput("unknown query parameter '" + name + "'; known: " + KNOWN.stream().sorted().toList());
      }
    }
    List<String> tags = params.getOrDefault("tag", List.of());
    if (tags.isEmpty()) {
      throw new InvalidInput("query parameter 'tag' is required (once per tag)");
    }
    if (tags.size() > MAX_TAGS) {
      throw new InvalidInput(tags.size() + " tags in one query, at most " + MAX_TAGS);
    }
    for (String t : tags) {
      if (!Validation.isTag(t)) {
        throw new InvalidInput("tag must be " + Validation.TAG_RULE + ", got '" + t + "'");
      }
    }
    String interval = single(params, "interval");
    String agg = single(params, "agg");
    String interpolate = single(params, "interpolate");
    if ((interval == null) != (agg == null)) {
      throw new InvalidInput("'interval' and 'agg' go together (e.g. interval=1m&agg=avg)");
    }
    if (interpolate != null && interval != null) {
      throw new InvalidInput("'interpolate' (values at a step) and 'interval'/'agg' (aggregates) do not go together");
    }
    boolean stepped = interval != null || interpolate != null;
    long from = time("from", single(params, "from"), 0, now);
    // Intervals and steps are counted up to 'to': it defaults to now rather than the end of time.
    long to = time("to", single(params, "to"), stepped ? now : Long.MAX_VALUE, now);
    if (to < from) {
      throw new InvalidInput("'to' (" + to + ") is before 'from' (" + from + ")");
    }
    String limitText = single(params, "limit");
    long limit = limitText == null ? settings.maxSamples() : integer("limit", limitText);
    if (limit < 1) {
      throw new InvalidInput("'limit' must be at least 1");
    }
    String replica = single(params, "replica");
    if (replica != null && !replica.equals("local")) {
      throw new InvalidInput("'replica' can only be 'local'");
    }
    Format format = format(single(params, "format"));
    if (format == Format.BINARY && stepped) {
      throw new InvalidInput("format=binary answers raw samples; aggregates and interpolated values are json or csv");
    }
    long intervalMs = interval == null ? 0 : counted("interval", interval, from, to, settings);
    long stepMs = interpolate == null ? 0 : counted("interpolate", interpolate, from, to, settings);
    Aggregate aggregate = null;
    if (agg != null) {
      try {
        aggregate = Aggregate.parse(agg);
      } catch (IllegalArgumentException e) {
        throw new InvalidInput(e.getMessage());
      }
    }
    return new QueryParams(List.copyOf(tags), from, to, (int) Math.min(limit, settings.maxSamples()), replica != null,
        intervalMs, aggregate, stepMs, format);
  }

  /** Whether the answer is CSV. */
  boolean csv() {
    return format == Format.CSV;
  }

  private static Format format(String value) {
    if (value == null) {
      return Format.JSON;
    }
    return switch (value) {
      case "json" -> Format.JSON;
      case "csv" -> Format.CSV;
      case "binary" -> Format.BINARY;
      default -> throw new InvalidInput("'format' must be json, csv or binary, got '" + value + "'");
    };
  }

  /** A duration that divides the range into at most {@code gapless.query.max-intervals} intervals or steps. */
  private static long counted(String name, String value, long from, long to, QuerySettings settings) {
    long ms = duration(name, value);
    long count = (to - from) / ms + 1;
    if (count > settings.maxIntervals()) {
      throw new InvalidInput(count + " " + (name.equals("interval") ? "intervals" : "steps") + " of " + value
          + " cover the range, at most " + settings.maxIntervals() + " (gapless.query.max-intervals): ask for a longer "
          + name + " or a shorter range");
    }
    return ms;
  }

  private static final Set<String> KNOWN_LAST = Set.of("tag", "at", "within", "replica", "format");
  private static final String DEFAULT_WITHIN = "1d";

  /**
   * The parameters of a last-value read ({@code /last}): {@code tag} (once or more), {@code at}
   * (default now), {@code within} (how far back from {@code at} to look, default 1d), {@code
   * replica}, {@code format}; read as one interval of {@code [at - within, at]} whose last sample
   * is the answer.
   */
  static QueryParams last(Map<String, List<String>> params, long now, QuerySettings settings) {
    for (String name : params.keySet()) {
      if (!KNOWN_LAST.contains(name)) {
        throw new InvalidInput("unknown query parameter '" + name + "'; known: " + KNOWN_LAST.stream().sorted().toList());
      }
    }
    Map<String, List<String>> rest = new HashMap<>(params);
    long at = time("at", single(params, "at"), now, now);
    long within = duration("within", Optional.ofNullable(single(params, "within")).orElse(DEFAULT_WITHIN));
    rest.remove("at");
    rest.remove("within");
    QueryParams q = parse(rest, now, settings);
    if (q.format() == Format.BINARY) {
      throw new InvalidInput("format=binary answers raw samples; last values are json or csv");
    }
    long from = Math.max(0, at - within);
    return new QueryParams(q.tags(), from, at, 1, q.local(), at - from + 1, Aggregate.LAST, 0, q.format());
  }

  private static String single(Map<String, List<String>> params, String name) {
    List<String> values = params.getOrDefault(name, List.of());
    if (values.size() > 1) {
      throw new InvalidInput("query parameter '" + name + "' given " + values.size() + " times");
    }
    return values.isEmpty() ? null : values.get(0);
  }

  /**
   * A point in time, epoch ms: an integer (epoch ms), ISO-8601 ({@code 2026-11-26T08:00:00Z}, with
   * an offset, or a date: its start in UTC), {@code now}, or now minus a duration ({@code -1h},
   * {@code now-15m}).
   */
  static long time(String name, String value, long dflt, long now) {
    if (value == null) {
      return dflt;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("now")) {
      return now;
    }
    Matcher relative = RELATIVE.matcher(v);
    if (relative.matches()) {
      return Math.max(0, now - duration(name, relative.group(1)));
    }
    if (v.chars().allMatch(Character::isDigit) && !v.isEmpty()) {
      return integer(name, v);
    }
    try {
      if (value.length() == 10) {
        return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      }
      return value.endsWith("Z") || value.endsWith("z") ? Instant.parse(value.toUpperCase(Locale.ROOT)).toEpochMilli()
          : OffsetDateTime.parse(value).toInstant().toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new InvalidInput("query parameter '" + name + "' must be epoch ms, ISO-8601 (2026-11-26T08:00:00Z), now,"
          + " or relative to now (-1h, now-15m), got '" + value + "'");
    }
  }

  /** A duration: {@code 500ms}, {@code 10s}, {@code 1m}, {@code 1h}, {@code 1d}, {@code 1w}, or an integer of ms; at least 1 ms. */
  static long duration(String name, String value) {
    Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
    long ms;
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        ms = Math.multiplyExact(n, switch (m.group(2)) {
          case "ms" -> 1L;
          case "s" -> 1_000L;
          case "m" -> 60_000L;
          case "h" -> 3_600_000L;
          case "d" -> 86_400_000L;
          default -> 604_800_000L;
        });
      } else {
        ms = Long.parseLong(value.trim());
      }
    } catch (NumberFormatException | ArithmeticException e) {
      throw new InvalidInput("'" + name + "' must be a duration such as 500ms, 10s, 1m, 1h, 1d, got '" + value + "'");
    }
    if (ms < 1) {
      throw new InvalidInput("'" + name + "' must be at least 1 ms, got '" + value + "'");
    }
    return ms;
  }

  private static long integer(String name, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new InvalidInput("query parameter '" + name + "' must be an integer, got '" + value + "'");
    }
  }
}
