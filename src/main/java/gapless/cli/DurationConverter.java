package gapless.cli;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.time.Duration;
import picocli.CommandLine;

/** Picocli converter for durations written as in the config files: {@code 10m}, {@code 90s}, {@code 2 minutes}. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    try {
      Duration d = ConfigFactory.empty().withValue("d", ConfigValueFactory.fromAnyRef(value)).getDuration("d");
      if (d.isNegative() || d.isZero()) {
        throw new CommandLine.TypeConversionException("not a positive duration: " + value);
      }
      return d;
    } catch (ConfigException e) {
      throw new CommandLine.TypeConversionException("not a duration: " + value + " (write it as 10m, 90s or 1h)");
    }
  }
}
