package gapless.tools;

import gapless.model.Sample;
import gapless.model.SampleColumns;
import java.util.List;
import java.util.Locale;

/** How the simulator writes a batch's request body: Gapless' JSON, or the binary columns ({@link SampleColumns}). */
public enum IngestFormat {
  JSON("application/json"),
  BINARY(SampleColumns.MEDIA_TYPE);

  private final String contentType;

  IngestFormat(String contentType) {
    this.contentType = contentType;
  }

  public String contentType() {
    return contentType;
  }

  /** The request body of {@code samples} in this format. */
  public byte[] body(List<Sample> samples) {
    return this == JSON ? SampleGenerator.jsonBody(samples) : SampleColumns.encode(samples);
  }

  /** As given on a command line: {@code json} or {@code binary}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
