package gapless.cli;

import gapless.tools.IngestFormat;
import java.util.Arrays;
import picocli.CommandLine;

/** Picocli converter for {@code --format}: {@code json} or {@code binary}. */
final class IngestFormatConverter implements CommandLine.ITypeConverter<IngestFormat> {

  @Override
  public IngestFormat convert(String value) {
    return Arrays.stream(IngestFormat.values()).filter(f -> f.label().equals(value)).findFirst()
        .orElseThrow(() -> new CommandLine.TypeConversionException("not a format: " + value + " (json or binary)"));
  }
}
