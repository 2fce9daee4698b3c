package gapless.cli;

import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine;

/**
 * Picocli converter for {@code --node} and {@code --gateway}: an http(s) URL with a host, so a
 * typo is reported as a bad option before anything is sent. {@code host:port} alone means http.
 */
public final class HttpUrlConverter implements CommandLine.ITypeConverter<URI> {

  @Override
  public URI convert(String value) {
    String v = value.contains("://") ? value : "http://" + value;
    URI uri;
    try {
      uri = new URI(v);
    } catch (URISyntaxException e) {
      throw new CommandLine.TypeConversionException("not a URL: " + value);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new CommandLine.TypeConversionException("not an http URL: " + value);
    }
    if (uri.getHost() == null) {
      throw new CommandLine.TypeConversionException("URL without a host: " + value);
    }
    return uri;
  }
}
