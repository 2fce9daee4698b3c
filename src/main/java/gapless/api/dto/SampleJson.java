package gapless.api.dto;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import gapless.model.Sample;
import java.io.IOException;

/**
 * A {@link Sample} as JSON, {@code {"tag","ts","value","quality"}}: the same object Jackson's
 * record support writes and reads, done field by field. A query answer holds up to 50,000 of them,
 * and the generic bean path (reflection per field, buffered creator properties) took about half
 * the time of writing one and most of reading one. Fields may come in any order; unknown ones are
 * skipped, a missing one is its type's zero, and other shapes of a value are left to Jackson's own
 * coercion, as with the generic path.
 */
final class SampleJson {

  private static final SerializedString TAG = new SerializedString("tag");
  private static final SerializedString TS = new SerializedString("ts");
  private static final SerializedString VALUE = new SerializedString("value");
  private static final SerializedString QUALITY = new SerializedString("quality");

  private SampleJson() {}

  static SimpleModule module() {
    return new SimpleModule("gapless-samples")
        .addSerializer(Sample.class, new JsonSerializer<>() {
          @Override
          public void serialize(Sample s, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartObject(s);
            gen.writeFieldName(TAG);
            gen.writeString(s.tag());
            gen.writeFieldName(TS);
            gen.writeNumber(s.ts());
            gen.writeFieldName(VALUE);
            gen.writeNumber(s.value());
            gen.writeFieldName(QUALITY);
            gen.writeNumber(s.quality());
            gen.writeEndObject();
          }
        })
        .addDeserializer(Sample.class, new JsonDeserializer<>() {
          @Override
          public Sample deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return read(p, ctxt);
          }
        });
  }

  private static Sample read(JsonParser p, DeserializationContext ctxt) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      t = p.nextToken();
    } else if (t != JsonToken.FIELD_NAME) {
      return (Sample) ctxt.handleUnexpectedToken(Sample.class, p);
    }
    String tag = null;
    long ts = 0;
    double value = 0;
    int quality = 0;
    for (; t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "tag" -> tag = v == JsonToken.VALUE_STRING ? p.getText() : v == JsonToken.VALUE_NULL ? null : ctxt.readValue(p, String.class);
        case "ts" -> ts = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : ctxt.readValue(p, Long.TYPE);
        case "value" -> value = v == JsonToken.VALUE_NUMBER_FLOAT || v == JsonToken.VALUE_NUMBER_INT ? p.getDoubleValue()
            : ctxt.readValue(p, Double.TYPE);
        case "quality" -> quality = v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : ctxt.readValue(p, Integer.TYPE);
        default -> p.skipChildren();
      }
    }
    if (t != JsonToken.END_OBJECT) {
      return (Sample) ctxt.handleUnexpectedToken(Sample.class, p);
    }
    return new Sample(tag, ts, value, quality);
  }
}
