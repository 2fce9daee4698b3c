package gapless.api.dto;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import gapless.model.SeqRange;
import java.io.IOException;
import java.util.Arrays;

/**
 * The JSON contract of the HTTP API (v1) is the records of this package, written once: the server
 * ({@code gapless.api.Json}) fills them from its internal types and writes them, the client
 * ({@code gapless.client.GaplessClient}) reads them back, both with the mapper made here.
 *
 * <p>Field names are the contract (README's API table, docs/OPERATIONS.md). Times at which
 * something happened on a server are {@link java.time.Instant}s written as ISO-8601 strings; data
 * timestamps (a sample's {@code ts}, a gap's {@code from}/{@code to}) stay epoch milliseconds, as
 * the collectors send them. Seq ranges are {@code [from, to]} pairs. Unknown fields are ignored
 * when reading: a newer server may add some.
 */
public final class ApiJson {

  private ApiJson() {}

  /**
   * A new mapper with the contract's settings; mappers are thread-safe once configured. Doubles are
   * written and read with Jackson's fast (Schubfach, FastDoubleParser) code: the JDK's took a third
   * of the time of writing and reading a query's samples. Both give the shortest text that reads
   * back as the same double.
   */
  public static ObjectMapper newMapper() {
    JsonFactory factory = JsonFactory.builder()
        .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
        .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
        .build();
    return new ObjectMapper(factory)
        .registerModule(new JavaTimeModule())
        .registerModule(seqRanges())
        .registerModule(SampleJson.module())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  private static SimpleModule seqRanges() {
    return new SimpleModule("gapless-seq-ranges")
        .addSerializer(SeqRange.class, new JsonSerializer<>() {
          @Override
          public void serialize(SeqRange r, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartArray();
            gen.writeNumber(r.from());
            gen.writeNumber(r.to());
            gen.writeEndArray();
          }
        })
        .addDeserializer(SeqRange.class, new JsonDeserializer<>() {
          @Override
          public SeqRange deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.isExpectedStartArrayToken()) {
              return (SeqRange) ctxt.handleUnexpectedToken(SeqRange.class, p);
            }
            long[] pair = ctxt.readValue(p, long[].class);
            if (pair.length != 2) {
              return ctxt.reportInputMismatch(SeqRange.class, "a seq range is [from, to], got %s", Arrays.toString(pair));
            }
            try {
              return new SeqRange(pair[0], pair[1]);
            } catch (IllegalArgumentException e) {
              return ctxt.reportInputMismatch(SeqRange.class, "%s", e.getMessage());
            }
          }
        });
  }
}
